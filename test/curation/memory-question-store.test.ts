import { MemoryQuestionStore } from "../../curation/memory-question-store.ts";
import { describeQuestionStoreSpec, SPEC_DIMS } from "./support/question-store-spec.ts";

describeQuestionStoreSpec("memory", async () => new MemoryQuestionStore(SPEC_DIMS));
