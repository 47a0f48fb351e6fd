import type { Rng } from "../../random.ts";

/** The cast and setting of a word problem; many combinations keep questions far apart for the novelty filter. */

export interface Theme {
  place: string;
  item: string;
  items: string;
  /** third person present, e.g. "bakes" */
  makes: string;
  /** base form, e.g. "bake" */
  make: string;
  /** past participle, e.g. "baked" */
  made: string;
  container: string;
  containers: string;
  supplies: string;
  recipients: string;
}

export interface Story {
  name: string;
  pronoun: "she" | "he";
  possessive: "her" | "his";
  friend: string;
  theme: Theme;
}

function theme(
  place: string,
  [item, items]: [string, string],
  [makes, make, made]: [string, string, string],
  [container, containers]: [string, string],
  supplies: string,
  recipients: string,
): Theme {
  return { place, item, items, makes, make, made, container, containers, supplies, recipients };
}

const THEMES: readonly Theme[] = [
  theme(
    "bakery",
    ["muffin", "muffins"],
    ["bakes", "bake", "baked"],
    ["box", "boxes"],
    "flour and butter",
    "neighbours",
  ),
  theme(
    "bakery",
    ["bagel", "bagels"],
    ["bakes", "bake", "baked"],
    ["tray", "trays"],
    "sesame seeds",
    "regulars",
  ),
  theme(
    "farm",
    ["egg", "eggs"],
    ["collects", "collect", "collected"],
    ["carton", "cartons"],
    "chicken feed",
    "cousins",
  ),
  theme(
    "orchard",
    ["apple", "apples"],
    ["picks", "pick", "picked"],
    ["crate", "crates"],
    "ladders",
    "classmates",
  ),
  theme(
    "orchard",
    ["pear", "pears"],
    ["harvests", "harvest", "harvested"],
    ["basket", "baskets"],
    "fertiliser",
    "neighbours",
  ),
  theme(
    "factory",
    ["bolt", "bolts"],
    ["machines", "machine", "machined"],
    ["carton", "cartons"],
    "steel rods",
    "subcontractors",
  ),
  theme(
    "workshop",
    ["toy car", "toy cars"],
    ["assembles", "assemble", "assembled"],
    ["crate", "crates"],
    "paint",
    "children's charities",
  ),
  theme(
    "print shop",
    ["poster", "posters"],
    ["prints", "print", "printed"],
    ["tube", "tubes"],
    "ink cartridges",
    "local bands",
  ),
  theme(
    "print shop",
    ["flyer", "flyers"],
    ["prints", "print", "printed"],
    ["bundle", "bundles"],
    "paper",
    "volunteers",
  ),
  theme(
    "bottling plant",
    ["bottle", "bottles"],
    ["fills", "fill", "filled"],
    ["case", "cases"],
    "caps and labels",
    "distributors",
  ),
  theme(
    "candle studio",
    ["candle", "candles"],
    ["pours", "pour", "poured"],
    ["gift set", "gift sets"],
    "wax and wicks",
    "friends",
  ),
  theme(
    "apiary",
    ["jar of honey", "jars of honey"],
    ["fills", "fill", "filled"],
    ["hamper", "hampers"],
    "glass jars",
    "teachers",
  ),
  theme(
    "garden centre",
    ["seedling", "seedlings"],
    ["pots", "pot", "potted"],
    ["tray", "trays"],
    "compost",
    "community gardens",
  ),
  theme(
    "fishing boat",
    ["fish", "fish"],
    ["catches", "catch", "caught"],
    ["cooler", "coolers"],
    "bait and fuel",
    "restaurants",
  ),
  theme(
    "tailor's shop",
    ["shirt", "shirts"],
    ["sews", "sew", "sewn"],
    ["parcel", "parcels"],
    "cotton fabric",
    "theatre groups",
  ),
  theme(
    "pottery studio",
    ["mug", "mugs"],
    ["throws", "throw", "thrown"],
    ["box", "boxes"],
    "clay and glaze",
    "cafes",
  ),
  theme(
    "stationery firm",
    ["notebook", "notebooks"],
    ["binds", "bind", "bound"],
    ["pack", "packs"],
    "cardboard covers",
    "schools",
  ),
  theme(
    "chocolate shop",
    ["truffle", "truffles"],
    ["makes", "make", "made"],
    ["tin", "tins"],
    "cocoa",
    "hospital staff",
  ),
  theme(
    "soap workshop",
    ["bar of soap", "bars of soap"],
    ["cuts", "cut", "cut"],
    ["bag", "bags"],
    "essential oils",
    "shelters",
  ),
  theme(
    "brewery",
    ["can of cider", "cans of cider"],
    ["seals", "seal", "sealed"],
    ["pallet", "pallets"],
    "apples",
    "pubs",
  ),
  theme(
    "bike shop",
    ["wheel", "wheels"],
    ["trues", "true", "trued"],
    ["rack", "racks"],
    "spokes",
    "cycling clubs",
  ),
  theme(
    "greenhouse",
    ["tomato", "tomatoes"],
    ["grows", "grow", "grown"],
    ["punnet", "punnets"],
    "seeds",
    "food banks",
  ),
  theme(
    "jam kitchen",
    ["jar of jam", "jars of jam"],
    ["cooks", "cook", "cooked"],
    ["crate", "crates"],
    "sugar and berries",
    "church fairs",
  ),
  theme(
    "electronics lab",
    ["circuit board", "circuit boards"],
    ["solders", "solder", "soldered"],
    ["tray", "trays"],
    "components",
    "students",
  ),
];

const NAMES: readonly (readonly [string, "she" | "he"])[] = [
  ["Amara", "she"],
  ["Bruno", "he"],
  ["Chiara", "she"],
  ["Dmitri", "he"],
  ["Esi", "she"],
  ["Farid", "he"],
  ["Greta", "she"],
  ["Hiroshi", "he"],
  ["Ines", "she"],
  ["Jamal", "he"],
  ["Keiko", "she"],
  ["Lars", "he"],
  ["Maya", "she"],
  ["Nikolai", "he"],
  ["Olga", "she"],
  ["Pablo", "he"],
  ["Quinn", "she"],
  ["Rohan", "he"],
  ["Sofia", "she"],
  ["Tariq", "he"],
  ["Uma", "she"],
  ["Viktor", "he"],
  ["Wanjiru", "she"],
  ["Xavier", "he"],
  ["Yara", "she"],
  ["Zoltan", "he"],
  ["Aditi", "she"],
  ["Bongani", "he"],
  ["Camille", "she"],
  ["Diego", "he"],
  ["Elif", "she"],
  ["Finn", "he"],
  ["Gulnara", "she"],
  ["Hamza", "he"],
  ["Isla", "she"],
  ["Joaquin", "he"],
  ["Kavya", "she"],
  ["Luca", "he"],
  ["Mei", "she"],
  ["Nnamdi", "he"],
  ["Oksana", "she"],
  ["Pieter", "he"],
  ["Rania", "she"],
  ["Santiago", "he"],
  ["Thandiwe", "she"],
  ["Ulrich", "he"],
  ["Valentina", "she"],
  ["Wei", "he"],
];

export function pickStory(rng: Rng): Story {
  const [name, pronoun] = rng.pick(NAMES);
  let friend = rng.pick(NAMES)[0];
  while (friend === name) friend = rng.pick(NAMES)[0];
  return { name, pronoun, possessive: pronoun === "she" ? "her" : "his", friend, theme: rng.pick(THEMES) };
}
