import type { MedicalSkill } from "./skills.ts";

/**
 * Clinical vignettes with a chain of questions, each needing the answer before it: the diagnosis, then its
 * treatment, then that drug's mechanism or hazard. A question `d` hops deep asks link d without naming links
 * 1..d-1. "{they}" / "{their}" become the patient's pronouns.
 */

export interface Link {
  /**
   * The medical pack's skills answering this link exercises, the one it asks about first; the diagnosis too
   * where the link speaks of "{their} condition" without naming it.
   */
  skills: readonly MedicalSkill[];
  ask: string;
  answer: string;
  wrong: readonly string[];
  why: string;
}

export interface ClinicalCase {
  patients: readonly ("man" | "woman" | "boy" | "girl")[];
  ages: readonly [number, number];
  /** Where the patient is seen, when not any of the usual clinic and emergency settings. */
  settings?: readonly string[];
  complaints: readonly string[];
  findings: readonly string[];
  chain: readonly Link[];
}

export const CASES: readonly ClinicalCase[] = [
  {
    patients: ["woman"],
    ages: [22, 45],
    complaints: [
      "palpitations and weight loss over three months",
      "anxiety, heat intolerance and frequent loose stools",
    ],
    findings: [
      "a diffuse, non-tender goitre with a bruit",
      "proptosis and lid retraction",
      "a fine tremor of the outstretched hands",
      "pretibial myxoedema",
      "an undetectable TSH with a raised free T4",
    ],
    chain: [
      {
        skills: ["diagnosis"],
        ask: "What is the most likely diagnosis?",
        answer: "Graves disease",
        wrong: [
          "Toxic multinodular goitre",
          "Subacute granulomatous thyroiditis",
          "Hashimoto thyroiditis",
          "Toxic adenoma",
        ],
        why: "Diffuse goitre, ophthalmopathy and dermopathy with a suppressed TSH indicate Graves disease",
      },
      {
        skills: ["pharmacology", "next_best_step", "diagnosis"],
        ask: "{they} is not pregnant. Which drug is the preferred antithyroid treatment for {their} condition?",
        answer: "Methimazole",
        wrong: ["Levothyroxine", "Propylthiouracil", "Lithium", "Hydrocortisone"],
        why: "Outside the first trimester of pregnancy, methimazole is the preferred thionamide",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "{they} is not pregnant. What is the mechanism of action of the preferred antithyroid drug for {their} condition?",
        answer: "Inhibition of thyroid peroxidase",
        wrong: [
          "Blockade of the TSH receptor",
          "Inhibition of iodide uptake by the sodium-iodide symporter",
          "Destruction of follicular cells by beta radiation",
          "Inhibition of peripheral T4 to T3 conversion only",
        ],
        why: "Methimazole inhibits thyroid peroxidase, blocking iodination and coupling",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "{they} is not pregnant. Which serious adverse effect of the preferred antithyroid drug for {their} condition must {they} be warned about?",
        answer: "Agranulocytosis",
        wrong: [
          "Pulmonary fibrosis",
          "Gingival hyperplasia",
          "Ototoxicity",
          "Nephrogenic diabetes insipidus",
        ],
        why: "Thionamides can cause agranulocytosis",
      },
      {
        skills: ["next_best_step", "pharmacology"],
        ask: "{they} is not pregnant and starts the preferred antithyroid drug. Weeks later {they} develops fever and a sore throat. Which test should be done first?",
        answer: "Complete blood count with differential",
        wrong: ["TSH and free T4", "Serum calcium", "Chest radiograph", "Serum creatine kinase"],
        why: "Fever and sore throat on a thionamide call for an urgent neutrophil count",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [42, 66],
    complaints: [
      "increased thirst and frequent urination",
      "tiredness and blurred vision for several months",
    ],
    findings: [
      "a BMI of 34",
      "an HbA1c of 8.1%",
      "a fasting glucose of 162 mg/dL on two occasions",
      "acanthosis nigricans on the neck",
      "normal renal function",
    ],
    chain: [
      {
        skills: ["diagnosis"],
        ask: "What is the most likely diagnosis?",
        answer: "Type 2 diabetes mellitus",
        wrong: [
          "Type 1 diabetes mellitus",
          "Central diabetes insipidus",
          "Cushing syndrome",
          "Primary hyperaldosteronism",
        ],
        why: "Obesity, insulin-resistance signs and an HbA1c above 6.5% indicate type 2 diabetes",
      },
      {
        skills: ["pharmacology", "next_best_step", "diagnosis"],
        ask: "What is the most appropriate first-line drug for {their} condition?",
        answer: "Metformin",
        wrong: ["Insulin glargine", "Glipizide", "Pioglitazone", "Acarbose"],
        why: "Metformin is first-line for type 2 diabetes with normal renal function",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "What is the main mechanism of action of the first-line drug for {their} condition?",
        answer: "Decreased hepatic gluconeogenesis",
        wrong: [
          "Increased insulin secretion from beta cells",
          "Inhibition of intestinal alpha-glucosidase",
          "Inhibition of renal SGLT2",
          "Activation of PPAR-gamma",
        ],
        why: "Metformin acts mainly by reducing hepatic glucose output",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "Which serious adverse effect is classically associated with the first-line drug for {their} condition?",
        answer: "Lactic acidosis",
        wrong: [
          "Hypoglycaemia when used alone",
          "Marked weight gain",
          "Fluid retention and heart failure",
          "Genital mycotic infections",
        ],
        why: "Metformin can rarely cause lactic acidosis",
      },
      {
        skills: ["pharmacology", "next_best_step", "diagnosis"],
        ask: "Before which procedure may the first-line drug for {their} condition need to be withheld temporarily?",
        answer: "Imaging with intravenous iodinated contrast",
        wrong: [
          "A plain chest radiograph",
          "An abdominal ultrasound",
          "A non-contrast MRI of the knee",
          "A resting ECG",
        ],
        why: "Contrast can impair renal function and raise the risk of metformin-associated lactic acidosis",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [24, 60],
    complaints: [
      "three months of productive cough, night sweats and weight loss",
      "a cough with blood-streaked sputum and evening fevers",
    ],
    findings: [
      "recent arrival from a region where tuberculosis is endemic",
      "an upper-lobe cavitary lesion on chest radiograph",
      "a sputum smear positive for acid-fast bacilli",
      "low-grade fevers",
    ],
    chain: [
      {
        skills: ["microbiology_and_infection", "diagnosis"],
        ask: "What is the most likely diagnosis?",
        answer: "Pulmonary tuberculosis",
        wrong: [
          "Sarcoidosis",
          "Anaerobic lung abscess",
          "Histoplasmosis",
          "Squamous cell carcinoma of the lung",
        ],
        why: "An upper-lobe cavity with acid-fast bacilli in sputum indicates pulmonary tuberculosis",
      },
      {
        skills: ["microbiology_and_infection", "pharmacology", "next_best_step", "diagnosis"],
        ask: "What is the standard initial treatment for {their} condition?",
        answer: "Isoniazid, rifampin, pyrazinamide and ethambutol",
        wrong: [
          "Isoniazid alone for nine months",
          "Amoxicillin and clarithromycin",
          "Rifampin and ethambutol only",
          "Streptomycin alone",
        ],
        why: "Active tuberculosis starts with four drugs: isoniazid, rifampin, pyrazinamide and ethambutol",
      },
      {
        skills: ["pharmacology", "microbiology_and_infection", "diagnosis"],
        ask: "Which drug in the standard initial treatment for {their} condition causes peripheral neuropathy by depleting pyridoxine?",
        answer: "Isoniazid",
        wrong: ["Rifampin", "Pyrazinamide", "Ethambutol", "Streptomycin"],
        why: "Isoniazid depletes pyridoxine and can cause peripheral neuropathy",
      },
      {
        skills: ["pharmacology", "next_best_step", "microbiology_and_infection", "diagnosis"],
        ask: "What should be co-prescribed to prevent the neuropathy caused by one drug of the standard initial treatment for {their} condition?",
        answer: "Pyridoxine (vitamin B6)",
        wrong: ["Folic acid", "Thiamine (vitamin B1)", "Cyanocobalamin (vitamin B12)", "Vitamin D"],
        why: "Pyridoxine supplementation prevents isoniazid neuropathy",
      },
      {
        skills: ["pharmacology", "microbiology_and_infection", "diagnosis"],
        ask: "What is the active coenzyme form of the vitamin co-prescribed to prevent the neuropathy caused by one drug of the standard initial treatment for {their} condition?",
        answer: "Pyridoxal 5'-phosphate",
        wrong: [
          "Thiamine pyrophosphate",
          "Tetrahydrofolate",
          "Methylcobalamin",
          "Flavin adenine dinucleotide",
        ],
        why: "Pyridoxine acts as pyridoxal 5'-phosphate, the cofactor isoniazid depletes",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [50, 78],
    complaints: [
      "a routine visit two years after mitral valve replacement with a mechanical prosthesis",
      "follow-up after receiving a mechanical mitral valve",
    ],
    findings: [
      "a crisp mechanical closing click",
      "an irregularly irregular pulse",
      "no history of bleeding",
      "normal liver function",
    ],
    chain: [
      {
        skills: ["pharmacology", "next_best_step"],
        ask: "Which anticoagulant does {they} need long term?",
        answer: "Warfarin",
        wrong: ["Apixaban", "Dabigatran", "Aspirin alone", "Enoxaparin alone"],
        why: "Mechanical heart valves require a vitamin K antagonist; direct oral anticoagulants are contraindicated",
      },
      {
        skills: ["pharmacology"],
        ask: "What is the mechanism of the anticoagulant {they} needs long term?",
        answer: "Inhibition of vitamin K epoxide reductase",
        wrong: [
          "Direct inhibition of factor Xa",
          "Direct inhibition of thrombin",
          "Potentiation of antithrombin",
          "Irreversible inhibition of cyclooxygenase",
        ],
        why: "Warfarin blocks vitamin K epoxide reductase, lowering factors II, VII, IX and X",
      },
      {
        skills: ["lab_and_imaging_interpretation", "pharmacology"],
        ask: "Which test is used to adjust the dose of the anticoagulant {they} needs long term?",
        answer: "International normalised ratio (INR)",
        wrong: [
          "Activated partial thromboplastin time",
          "Anti-factor Xa activity",
          "Platelet count",
          "Bleeding time",
        ],
        why: "Warfarin dosing is guided by the INR",
      },
      {
        skills: ["emergency_management", "pharmacology"],
        ask: "On the anticoagulant {they} needs long term, {they} develops major bleeding with a very high value on its monitoring test. What should be given with intravenous vitamin K?",
        answer: "Four-factor prothrombin complex concentrate",
        wrong: ["Protamine sulfate", "Idarucizumab", "Andexanet alfa", "Tranexamic acid alone"],
        why: "Major warfarin bleeding is reversed with vitamin K plus prothrombin complex concentrate",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [45, 70],
    complaints: [
      "type 2 diabetes and blood pressure of 152/94 mmHg on three visits",
      "long-standing diabetes and newly found hypertension",
    ],
    findings: [
      "a urine albumin-to-creatinine ratio of 120 mg/g",
      "an eGFR of 75 mL/min",
      "normal serum potassium",
      "no history of angioedema",
    ],
    chain: [
      {
        skills: ["pharmacology", "next_best_step"],
        ask: "Which class of antihypertensive is preferred for {them}?",
        answer: "An ACE inhibitor",
        wrong: [
          "A thiazide diuretic",
          "A beta blocker",
          "A dihydropyridine calcium channel blocker",
          "An alpha-1 blocker",
        ],
        why: "With diabetes and albuminuria, ACE inhibitors lower pressure and protect the kidneys",
      },
      {
        skills: ["pharmacology"],
        ask: "What is the mechanism of the preferred antihypertensive class for {them}?",
        answer: "Blocking conversion of angiotensin I to angiotensin II",
        wrong: [
          "Blocking the angiotensin II type 1 receptor",
          "Direct inhibition of renin",
          "Blocking mineralocorticoid receptors",
          "Inhibiting the Na-Cl cotransporter",
        ],
        why: "ACE inhibitors block angiotensin-converting enzyme",
      },
      {
        skills: ["pathophysiology", "pharmacology"],
        ask: "Weeks after starting the preferred antihypertensive class, {they} develops a persistent dry cough. What causes it?",
        answer: "Accumulation of bradykinin",
        wrong: [
          "Accumulation of angiotensin II",
          "Histamine release from mast cells",
          "Eosinophilic airway inflammation",
          "Raised aldosterone",
        ],
        why: "ACE also degrades bradykinin, which accumulates and causes cough",
      },
      {
        skills: ["next_best_step", "pharmacology"],
        ask: "Weeks after starting the preferred antihypertensive class, {they} develops a persistent dry cough. What is the best replacement?",
        answer: "An angiotensin II receptor blocker",
        wrong: [
          "A different ACE inhibitor",
          "A renin inhibitor added to the ACE inhibitor",
          "A beta blocker",
          "A loop diuretic",
        ],
        why: "An ARB keeps the renal protection without raising bradykinin",
      },
      {
        skills: ["pharmacology"],
        ask: "Weeks after starting the preferred antihypertensive class, {they} develops a persistent dry cough. What is the mechanism of the best replacement?",
        answer: "Blocking the angiotensin II type 1 receptor",
        wrong: [
          "Blocking conversion of angiotensin I to angiotensin II",
          "Direct inhibition of renin",
          "Blocking mineralocorticoid receptors",
          "Inhibiting the Na-Cl cotransporter",
        ],
        why: "ARBs block the AT1 receptor, so bradykinin is not affected",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [19, 35],
    complaints: [
      "a week of little sleep, racing thoughts and lavish spending",
      "ten days of pressured speech and grandiose plans",
    ],
    findings: [
      "a past episode of major depression",
      "no substance use on toxicology screen",
      "normal thyroid function",
      "distractibility during the interview",
    ],
    chain: [
      {
        skills: ["diagnosis"],
        ask: "What is the most likely diagnosis?",
        answer: "Bipolar I disorder",
        wrong: [
          "Major depressive disorder",
          "Schizophrenia",
          "Cyclothymic disorder",
          "Borderline personality disorder",
        ],
        why: "A manic episode of a week or more defines bipolar I disorder",
      },
      {
        skills: ["pharmacology", "next_best_step", "diagnosis"],
        ask: "Which mood stabiliser is first-line for long-term maintenance in {their} condition?",
        answer: "Lithium",
        wrong: ["Fluoxetine", "Haloperidol", "Lorazepam", "Bupropion"],
        why: "Lithium is the classic first-line maintenance treatment for bipolar I disorder",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "Which adverse effect is characteristic of the first-line maintenance drug for {their} condition?",
        answer: "Nephrogenic diabetes insipidus",
        wrong: [
          "Agranulocytosis",
          "Fulminant hepatotoxicity",
          "Stevens-Johnson syndrome",
          "Gingival hyperplasia",
        ],
        why: "Lithium impairs the collecting duct's response to ADH",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "Which antihypertensive can raise the level of the first-line maintenance drug for {their} condition into the toxic range?",
        answer: "Hydrochlorothiazide",
        wrong: ["Amlodipine", "Doxazosin", "Hydralazine", "Clonidine"],
        why: "Thiazides increase proximal sodium and lithium reabsorption, raising lithium levels",
      },
    ],
  },
  {
    patients: ["man"],
    ages: [40, 65],
    complaints: [
      "sudden severe pain and swelling of the big toe that woke him at night",
      "an exquisitely tender, red first metatarsophalangeal joint",
    ],
    findings: [
      "heavy drinking the evening before",
      "needle-shaped, negatively birefringent crystals in the joint aspirate",
      "a serum urate of 9.2 mg/dL",
      "no fever",
    ],
    chain: [
      {
        skills: ["diagnosis"],
        ask: "What is the most likely diagnosis?",
        answer: "Gout",
        wrong: ["Pseudogout", "Septic arthritis", "Reactive arthritis", "Rheumatoid arthritis"],
        why: "Negatively birefringent needle-shaped crystals are monosodium urate: gout",
      },
      {
        skills: ["pharmacology", "next_best_step"],
        ask: "Once the flare settles, which drug is first-line to lower {their} serum urate long term?",
        answer: "Allopurinol",
        wrong: ["Colchicine", "Indomethacin", "Prednisone", "Probenecid"],
        why: "Allopurinol is first-line urate-lowering therapy",
      },
      {
        skills: ["pharmacology"],
        ask: "What is the mechanism of the first-line urate-lowering drug for {their} condition?",
        answer: "Inhibition of xanthine oxidase",
        wrong: [
          "Inhibition of microtubule polymerisation",
          "Inhibition of renal urate reabsorption",
          "Conversion of uric acid to allantoin",
          "Inhibition of cyclooxygenase",
        ],
        why: "Allopurinol inhibits xanthine oxidase, reducing uric acid production",
      },
      {
        skills: ["pharmacology"],
        ask: "Which drug needs a large dose reduction if given with the first-line urate-lowering drug for {their} condition?",
        answer: "Azathioprine",
        wrong: ["Metformin", "Lisinopril", "Atorvastatin", "Omeprazole"],
        why: "Xanthine oxidase also clears azathioprine's metabolite 6-mercaptopurine",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [58, 80],
    complaints: [
      "a resting tremor of one hand and slowness of movement",
      "a shuffling gait and a tremor that improves with movement",
    ],
    findings: ["cogwheel rigidity", "reduced facial expression", "micrographia", "a normal MRI of the brain"],
    chain: [
      {
        skills: ["diagnosis"],
        ask: "What is the most likely diagnosis?",
        answer: "Parkinson disease",
        wrong: [
          "Essential tremor",
          "Huntington disease",
          "Normal pressure hydrocephalus",
          "Multiple sclerosis",
        ],
        why: "Resting tremor, bradykinesia and rigidity indicate Parkinson disease",
      },
      {
        skills: ["pharmacology", "next_best_step", "diagnosis"],
        ask: "Which drug combination is the most effective symptomatic treatment of {their} condition?",
        answer: "Levodopa with carbidopa",
        wrong: ["Haloperidol", "Donepezil", "Propranolol", "Tetrabenazine"],
        why: "Levodopa-carbidopa is the most effective symptomatic therapy",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "In the most effective symptomatic treatment of {their} condition, what does the second component of the combination do?",
        answer: "Inhibits peripheral DOPA decarboxylase",
        wrong: [
          "Inhibits monoamine oxidase B",
          "Inhibits catechol-O-methyltransferase",
          "Stimulates dopamine D2 receptors directly",
          "Blocks muscarinic receptors",
        ],
        why: "Carbidopa blocks peripheral conversion of levodopa, so more reaches the brain",
      },
    ],
  },
  {
    patients: ["woman", "man"],
    ages: [20, 40],
    complaints: [
      "drooping eyelids and double vision that get worse towards evening",
      "difficulty chewing that worsens during meals",
    ],
    findings: [
      "fatigable upward gaze",
      "improvement of ptosis after an ice pack test",
      "normal pupils and reflexes",
      "normal sensation",
    ],
    chain: [
      {
        skills: ["diagnosis"],
        ask: "What is the most likely diagnosis?",
        answer: "Myasthenia gravis",
        wrong: [
          "Lambert-Eaton myasthenic syndrome",
          "Botulism",
          "Guillain-Barré syndrome",
          "Multiple sclerosis",
        ],
        why: "Fatigable ocular and bulbar weakness with normal pupils indicates myasthenia gravis",
      },
      {
        skills: ["pathophysiology", "diagnosis"],
        ask: "Antibodies against which target cause {their} condition?",
        answer: "The nicotinic acetylcholine receptor",
        wrong: [
          "Presynaptic voltage-gated calcium channels",
          "Myelin basic protein",
          "Muscarinic acetylcholine receptors",
          "Aquaporin-4",
        ],
        why: "Myasthenia gravis is caused by antibodies to the postsynaptic nicotinic receptor",
      },
      {
        skills: ["next_best_step", "diagnosis"],
        ask: "Which imaging looks for the tumour associated with {their} condition?",
        answer: "CT of the chest for a thymoma",
        wrong: [
          "MRI of the brain for a pituitary adenoma",
          "CT of the abdomen for a pheochromocytoma",
          "Mammography",
          "Testicular ultrasound",
        ],
        why: "Myasthenia gravis is associated with thymoma",
      },
    ],
  },
  {
    patients: ["boy", "girl"],
    ages: [5, 9],
    complaints: [
      "brief staring spells many times a day, noticed by teachers",
      "episodes of blank staring lasting a few seconds",
    ],
    findings: [
      "eyelid fluttering during the spells",
      "spells provoked by hyperventilation",
      "3-Hz spike-and-wave discharges on EEG",
      "no post-ictal confusion",
    ],
    chain: [
      {
        skills: ["diagnosis"],
        ask: "What is the most likely diagnosis?",
        answer: "Childhood absence epilepsy",
        wrong: [
          "Focal impaired awareness seizures",
          "Attention-deficit hyperactivity disorder",
          "Juvenile myoclonic epilepsy",
          "Febrile seizures",
        ],
        why: "Brief staring with 3-Hz spike-and-wave and no post-ictal state indicates absence epilepsy",
      },
      {
        skills: ["pharmacology", "next_best_step", "diagnosis"],
        ask: "Which drug is first-line for {their} condition?",
        answer: "Ethosuximide",
        wrong: ["Carbamazepine", "Phenytoin", "Gabapentin", "Vigabatrin"],
        why: "Ethosuximide is first-line for typical absence seizures",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "What is the mechanism of the first-line drug for {their} condition?",
        answer: "Blocking T-type calcium channels in thalamic neurons",
        wrong: [
          "Blocking voltage-gated sodium channels",
          "Enhancing GABA-A chloride currents",
          "Binding synaptic vesicle protein SV2A",
          "Inhibiting GABA transaminase",
        ],
        why: "Ethosuximide blocks thalamic T-type calcium channels",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [30, 60],
    complaints: [
      "burning upper abdominal pain that eases after meals",
      "gnawing epigastric pain that wakes {them} at night",
    ],
    findings: [
      "a positive urea breath test",
      "no use of NSAIDs",
      "a duodenal ulcer seen at endoscopy",
      "a normal haemoglobin",
    ],
    chain: [
      {
        skills: ["microbiology_and_infection", "diagnosis"],
        ask: "Which organism is most likely responsible?",
        answer: "Helicobacter pylori",
        wrong: ["Escherichia coli", "Campylobacter jejuni", "Clostridioides difficile", "Giardia lamblia"],
        why: "A duodenal ulcer with a positive urea breath test points to Helicobacter pylori",
      },
      {
        skills: ["microbiology_and_infection", "pharmacology", "next_best_step"],
        ask: "Which regimen is appropriate first-line treatment of the responsible organism?",
        answer: "A proton pump inhibitor with clarithromycin and amoxicillin",
        wrong: [
          "A proton pump inhibitor alone",
          "An H2 blocker alone",
          "Metronidazole alone",
          "Sucralfate alone",
        ],
        why: "Eradication needs acid suppression plus two antibiotics",
      },
      {
        skills: ["pharmacology", "microbiology_and_infection"],
        ask: "What is the mechanism of the acid-suppressing drug in the appropriate first-line regimen?",
        answer: "Irreversible inhibition of the parietal-cell H+/K+ ATPase",
        wrong: [
          "Blockade of H2 receptors on parietal cells",
          "Neutralisation of gastric acid",
          "Prostaglandin E1 receptor agonism",
          "Blockade of muscarinic M1 receptors",
        ],
        why: "Proton pump inhibitors irreversibly block the H+/K+ ATPase",
      },
    ],
  },
  {
    patients: ["woman"],
    ages: [24, 45],
    complaints: [
      "fatigue and heavy menstrual periods",
      "shortness of breath on exertion and a craving for ice",
    ],
    findings: [
      "pale conjunctivae",
      "a haemoglobin of 9.1 g/dL with an MCV of 72 fL",
      "a low serum ferritin",
      "a raised total iron-binding capacity",
    ],
    chain: [
      {
        skills: ["diagnosis", "lab_and_imaging_interpretation"],
        ask: "What is the most likely diagnosis?",
        answer: "Iron deficiency anaemia",
        wrong: [
          "Beta-thalassaemia trait",
          "Anaemia of chronic disease",
          "Sideroblastic anaemia",
          "Vitamin B12 deficiency",
        ],
        why: "Microcytosis with low ferritin and high TIBC indicates iron deficiency",
      },
      {
        skills: ["pharmacology", "next_best_step", "diagnosis"],
        ask: "What is the most appropriate initial treatment of {their} condition?",
        answer: "Oral ferrous sulfate",
        wrong: ["Intramuscular vitamin B12", "Red cell transfusion", "Oral folic acid", "Erythropoietin"],
        why: "Oral iron is first-line for uncomplicated iron deficiency",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "Which adverse effect should {they} expect from the most appropriate initial treatment of {their} condition?",
        answer: "Constipation and dark stools",
        wrong: ["Peripheral neuropathy", "Hyperkalaemia", "Dry cough", "Gingival hyperplasia"],
        why: "Oral iron commonly causes constipation and black stools",
      },
      {
        skills: ["pharmacology", "diagnosis"],
        ask: "Taking the most appropriate initial treatment of {their} condition with which of these improves its absorption?",
        answer: "Vitamin C (ascorbic acid)",
        wrong: ["Calcium carbonate", "Black tea", "Omeprazole", "Milk"],
        why: "Ascorbic acid keeps iron in the absorbable ferrous form",
      },
    ],
  },
  {
    patients: ["boy", "girl"],
    ages: [2, 7],
    complaints: [
      "puffy eyes in the mornings and frothy urine for a week",
      "swelling of the face and legs after a cold",
    ],
    findings: [
      "3+ protein on urine dipstick",
      "a serum albumin of 1.8 g/dL",
      "a raised serum cholesterol",
      "a normal blood pressure",
      "no blood in the urine",
    ],
    chain: [
      {
        skills: ["pathophysiology"],
        ask: "What is the main mechanism of {their} swelling?",
        answer: "Low plasma oncotic pressure from protein lost in the urine",
        wrong: [
          "Raised capillary hydrostatic pressure from heart failure",
          "Lymphatic obstruction",
          "Increased capillary permeability from systemic inflammation",
          "Venous obstruction by a mass",
        ],
        why: "Heavy proteinuria lowers the serum albumin and with it the plasma oncotic pressure",
      },
      {
        skills: ["diagnosis"],
        ask: "What is the most likely cause of {their} condition?",
        answer: "Minimal change disease",
        wrong: [
          "Post-streptococcal glomerulonephritis",
          "IgA nephropathy",
          "Membranous nephropathy",
          "Alport syndrome",
        ],
        why: "Nephrotic syndrome in a young child without haematuria or hypertension is usually minimal change disease",
      },
      {
        skills: ["pathophysiology", "diagnosis"],
        ask: "What would electron microscopy of a kidney biopsy show in the most likely cause of {their} condition?",
        answer: "Effacement of the podocyte foot processes",
        wrong: [
          "Subepithelial immune-complex humps",
          "Subepithelial spike-and-dome deposits",
          "Mesangial IgA deposits",
          "Splitting of the glomerular basement membrane",
        ],
        why: "Minimal change disease shows normal light microscopy and diffuse foot-process effacement",
      },
      {
        skills: ["pathophysiology", "diagnosis"],
        ask: "Urinary loss of which protein puts {them} at risk of renal vein thrombosis in {their} condition?",
        answer: "Antithrombin III",
        wrong: ["Albumin", "Fibrinogen", "Factor VIII", "Von Willebrand factor"],
        why: "Antithrombin III is small enough to be lost in nephrotic urine, leaving the blood hypercoagulable",
      },
      {
        skills: ["pathophysiology", "diagnosis"],
        ask: "Why does {their} serum cholesterol rise in {their} condition?",
        answer: "The liver makes more lipoproteins as the plasma oncotic pressure falls",
        wrong: [
          "Lipoprotein lipase is lost in the urine",
          "Bile acid excretion is blocked",
          "Dietary fat absorption increases",
          "Thyroid hormone is lost in the urine",
        ],
        why: "Low oncotic pressure drives hepatic synthesis of lipoproteins, raising the serum cholesterol",
      },
    ],
  },
];
