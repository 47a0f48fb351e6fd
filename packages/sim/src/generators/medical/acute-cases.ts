import type { ClinicalCase } from "./cases.ts";

/**
 * Vignettes for the skills the clinic cases do not ask about: localising a lesion, reading an acid-base panel
 * and stabilising an acutely ill patient. The results a link needs are in every complaint, so they are never
 * left out of the vignette.
 */
const EMERGENCY = ["presents to the emergency department", "is brought to the emergency department"];

export const ACUTE_CASES: readonly ClinicalCase[] = [
  {
    patients: ["man", "woman"],
    ages: [58, 79],
    settings: EMERGENCY,
    complaints: [
      "sudden weakness of the right face and arm with halting, effortful speech that began 90 minutes ago",
      "abrupt right-sided face and arm weakness and difficulty getting words out, starting an hour ago",
    ],
    findings: [
      "intact comprehension of speech",
      "a right lower facial droop",
      "a leg much less affected than the arm",
      "an irregularly irregular pulse",
    ],
    chain: [
      {
        skills: ["anatomy_localization"],
        ask: "Where is the lesion most likely to be?",
        answer: "The left inferior frontal gyrus and adjacent motor cortex (Broca area)",
        wrong: [
          "The left superior temporal gyrus (Wernicke area)",
          "The right frontal lobe",
          "The left posterior limb of the internal capsule",
          "The ventral pons",
        ],
        why: "Non-fluent aphasia with right face and arm weakness places the lesion in the left frontal lobe",
      },
      {
        skills: ["anatomy_localization"],
        ask: "Which artery supplies the most likely site of the lesion?",
        answer: "The superior division of the left middle cerebral artery",
        wrong: [
          "The left anterior cerebral artery",
          "The left posterior cerebral artery",
          "The right middle cerebral artery",
          "The basilar artery",
        ],
        why: "The lateral frontal lobe with Broca area lies in the superior division of the left MCA",
      },
      {
        skills: ["emergency_management", "next_best_step"],
        ask: "A non-contrast head CT shows no haemorrhage and {they} has no contraindication to treatment. What is the most appropriate immediate treatment?",
        answer: "Intravenous alteplase",
        wrong: [
          "Intravenous unfractionated heparin",
          "Emergency carotid endarterectomy",
          "Lowering the blood pressure below 120/80 mmHg",
          "Oral warfarin",
        ],
        why: "Within 4.5 hours of an ischaemic stroke without haemorrhage, thrombolysis with alteplase is indicated",
      },
      {
        skills: ["pharmacology", "emergency_management"],
        ask: "A non-contrast head CT shows no haemorrhage. What is the mechanism of the most appropriate immediate treatment for {them}?",
        answer: "Conversion of plasminogen to plasmin",
        wrong: [
          "Irreversible inhibition of platelet cyclooxygenase",
          "Potentiation of antithrombin",
          "Direct inhibition of thrombin",
          "Blockade of platelet P2Y12 receptors",
        ],
        why: "Alteplase is a tissue plasminogen activator: plasmin then breaks down fibrin",
      },
      {
        skills: ["emergency_management", "pharmacology"],
        ask: "A non-contrast head CT shows no haemorrhage. For 24 hours after the most appropriate immediate treatment for {them}, which drugs must be withheld?",
        answer: "Antiplatelet and anticoagulant drugs",
        wrong: ["Statins", "Proton pump inhibitors", "Intravenous fluids", "Paracetamol"],
        why: "After thrombolysis, antithrombotic drugs are withheld for 24 hours because of the bleeding risk",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [19, 60],
    settings: EMERGENCY,
    complaints: [
      "a wrist drop after a fall that fractured the shaft of {their} humerus",
      "an inability to extend the wrist and fingers after a mid-shaft fracture of the humerus",
    ],
    findings: [
      "numbness over the back of the hand between the thumb and index finger",
      "a normal grip once the wrist is supported",
      "an intact radial pulse",
      "normal shoulder abduction",
    ],
    chain: [
      {
        skills: ["anatomy_localization"],
        ask: "Which nerve is most likely injured?",
        answer: "The radial nerve",
        wrong: ["The median nerve", "The ulnar nerve", "The axillary nerve", "The musculocutaneous nerve"],
        why: "Wrist drop with numbness of the first dorsal web space after a shaft fracture is a radial nerve injury",
      },
      {
        skills: ["anatomy_localization"],
        ask: "Along which structure does the injured nerve run at the site of the fracture?",
        answer: "The radial (spiral) groove of the humerus",
        wrong: [
          "The cubital tunnel",
          "The carpal tunnel",
          "The surgical neck of the humerus",
          "The quadrangular space",
        ],
        why: "The radial nerve winds round the humeral shaft in the radial groove",
      },
      {
        skills: ["anatomy_localization"],
        ask: "Which muscle supplied by the injured nerve most likely still works?",
        answer: "Triceps brachii, whose branches leave the nerve above the groove",
        wrong: [
          "Extensor carpi radialis longus",
          "Extensor digitorum",
          "Brachioradialis",
          "Extensor carpi ulnaris",
        ],
        why: "Branches to triceps arise in the axilla and upper arm, before the nerve reaches the groove",
      },
      {
        skills: ["anatomy_localization"],
        ask: "Had the injured nerve been compressed in the axilla instead, which movement would also be weak?",
        answer: "Extension of the elbow",
        wrong: [
          "Flexion of the elbow",
          "Abduction of the shoulder",
          "Adduction of the fingers",
          "Opposition of the thumb",
        ],
        why: "Compression in the axilla also catches the branches to triceps, weakening elbow extension",
      },
      {
        skills: ["anatomy_localization"],
        ask: "Which other nerve arises from the same cord of the brachial plexus as the injured nerve?",
        answer: "The axillary nerve",
        wrong: [
          "The median nerve",
          "The ulnar nerve",
          "The musculocutaneous nerve",
          "The long thoracic nerve",
        ],
        why: "The radial and axillary nerves are the terminal branches of the posterior cord",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [19, 35],
    settings: EMERGENCY,
    complaints: [
      "vomiting and deep, rapid breathing, with a glucose of 540 mg/dL, an arterial pH of 7.18, a bicarbonate of 9 mEq/L and a PaCO2 of 22 mmHg",
      "two days of thirst and vomiting, a glucose of 610 mg/dL, an arterial pH of 7.15, a bicarbonate of 8 mEq/L and a PaCO2 of 20 mmHg",
    ],
    findings: [
      "positive serum ketones",
      "a sodium of 134 mEq/L and a chloride of 98 mEq/L",
      "dry mucous membranes",
      "a fruity smell on the breath",
    ],
    chain: [
      {
        skills: ["lab_and_imaging_interpretation"],
        ask: "Which acid-base disturbance do {their} results show?",
        answer: "Metabolic acidosis with respiratory compensation",
        wrong: [
          "Respiratory acidosis with metabolic compensation",
          "Metabolic alkalosis",
          "Respiratory alkalosis",
          "Mixed metabolic and respiratory acidosis",
        ],
        why: "A low pH with a low bicarbonate is a metabolic acidosis; the low PaCO2 is the expected compensation",
      },
      {
        skills: ["diagnosis", "lab_and_imaging_interpretation"],
        ask: "Which condition most likely explains {their} acid-base disturbance?",
        answer: "Diabetic ketoacidosis",
        wrong: [
          "Hyperosmolar hyperglycaemic state",
          "Lactic acidosis from sepsis",
          "Salicylate poisoning",
          "Renal tubular acidosis",
        ],
        why: "A metabolic acidosis with marked hyperglycaemia in a young patient is diabetic ketoacidosis",
      },
      {
        skills: ["emergency_management", "next_best_step", "diagnosis", "lab_and_imaging_interpretation"],
        ask: "What is the first step in treating the condition that explains {their} results?",
        answer: "Intravenous isotonic saline",
        wrong: [
          "Intravenous sodium bicarbonate",
          "Subcutaneous insulin glargine",
          "Intravenous dextrose",
          "Oral rehydration solution",
        ],
        why: "Diabetic ketoacidosis is treated first with fluid resuscitation",
      },
      {
        skills: ["emergency_management", "lab_and_imaging_interpretation", "diagnosis"],
        ask: "Before an insulin infusion is started for the condition that explains {their} results, which serum level must be known?",
        answer: "Potassium",
        wrong: ["Calcium", "Magnesium", "Phosphate", "Amylase"],
        why: "Insulin drives potassium into cells; a low potassium must be corrected before insulin",
      },
      {
        skills: ["emergency_management", "next_best_step", "lab_and_imaging_interpretation", "diagnosis"],
        ask: "The insulin infusion for the condition that explains {their} results is running and the glucose has fallen to 240 mg/dL. What should be added to the intravenous fluids?",
        answer: "Dextrose",
        wrong: ["Sodium bicarbonate", "Calcium gluconate", "Mannitol", "Albumin"],
        why: "Dextrose is added once the glucose falls, so insulin can continue until the ketoacidosis resolves",
      },
    ],
  },
  {
    patients: ["man", "woman"],
    ages: [19, 55],
    settings: EMERGENCY,
    complaints: [
      "throat tightness, wheeze and a spreading itchy rash minutes after a wasp sting",
      "lip swelling, hoarseness and faintness minutes after eating peanuts",
    ],
    findings: [
      "a blood pressure of 78/40 mmHg",
      "widespread urticaria",
      "inspiratory stridor",
      "a pulse of 128/min",
    ],
    chain: [
      {
        skills: ["diagnosis", "emergency_management"],
        ask: "What is the most likely diagnosis?",
        answer: "Anaphylaxis",
        wrong: ["Hereditary angioedema", "Vasovagal syncope", "Acute asthma exacerbation", "Septic shock"],
        why: "Sudden skin, airway and circulatory involvement after an allergen exposure is anaphylaxis",
      },
      {
        skills: ["emergency_management", "pharmacology", "diagnosis"],
        ask: "What is the first treatment for {their} condition?",
        answer: "Intramuscular adrenaline (epinephrine)",
        wrong: [
          "Intravenous chlorphenamine",
          "Intravenous hydrocortisone",
          "Nebulised salbutamol alone",
          "Oral cetirizine",
        ],
        why: "Intramuscular adrenaline is the first and most important treatment of anaphylaxis",
      },
      {
        skills: ["pharmacology", "emergency_management"],
        ask: "Through which receptors does the first treatment for {their} condition mainly raise the blood pressure?",
        answer: "Alpha-1 adrenergic receptors",
        wrong: [
          "Beta-2 adrenergic receptors",
          "H1 histamine receptors",
          "Muscarinic M2 receptors",
          "Dopamine D1 receptors",
        ],
        why: "Adrenaline's alpha-1 agonism causes vasoconstriction and raises blood pressure",
      },
      {
        skills: ["emergency_management", "pharmacology"],
        ask: "{they} takes a beta blocker and stays hypotensive despite repeated doses of the first treatment for {their} condition. Which drug should be given?",
        answer: "Intravenous glucagon",
        wrong: [
          "Intravenous atropine",
          "Intravenous propranolol",
          "More intramuscular antihistamine",
          "Oral prednisolone",
        ],
        why: "Glucagon raises cardiac cAMP without beta receptors, so it works despite beta blockade",
      },
    ],
  },
];
