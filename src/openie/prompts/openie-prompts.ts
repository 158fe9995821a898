/**
 * OpenIE prompt templates (our own wording; the structure follows upstream, spec §3.1–3.2):
 * NER = system + one-shot (paragraph → {"named_entities": [...]}) + the passage;
 * triples = system + one-shot (frame(paragraph, entities) → {"triples": [[s, p, o], ...]}) + frame(passage, entities).
 * A user can replace any field with `--openie-prompts FILE.json` (same keys), e.g. for a small local model.
 */
export interface OpenIEPrompts {
  nerSystem: string;
  nerDemoInput: string;
  nerDemoOutput: string;
  tripleSystem: string;
  /** Placeholders: {passage} and {named_entity_json}. */
  tripleFrame: string;
  tripleDemoOutput: string;
}

const DEMO_PASSAGE = `Vainu Bappu Observatory
The Vainu Bappu Observatory is an astronomical observatory at Kavalur in Tamil Nadu, India.
It is run by the Indian Institute of Astrophysics and is named after the astronomer Vainu Bappu.
Its 2.34-metre telescope, in service since 1986, was long the largest optical telescope in Asia.`;

const DEMO_ENTITIES = `{"named_entities":
    ["Vainu Bappu Observatory", "Kavalur", "Tamil Nadu", "India", "Indian Institute of Astrophysics",
     "Vainu Bappu", "2.34-metre telescope", "1986", "Asia"]
}
`;

export const DEFAULT_OPENIE_PROMPTS: OpenIEPrompts = {
  nerSystem:
    "Read the paragraph and list every named entity in it: people, places, organisations, works, dates, numbers " +
    'with units and other proper names. Answer with one JSON object {"named_entities": [...]} and nothing else; ' +
    "list each entity once, spelled as in the paragraph.",
  nerDemoInput: DEMO_PASSAGE,
  nerDemoOutput: DEMO_ENTITIES,
  tripleSystem:
    "Build a small knowledge graph (RDF-style triples) from the paragraph and its list of named entities. " +
    'Answer with one JSON object {"triples": [[subject, predicate, object], ...]} and nothing else.\n' +
    "Rules:\n" +
    "- Every triple should contain at least one, and preferably two, of the listed named entities.\n" +
    "- Replace pronouns with the names they refer to, so that each triple makes sense on its own.\n\n",
  tripleFrame: "Turn the paragraph below into a JSON object with its named entities and the triples that link them.\nParagraph:\n```\n{passage}\n```\n\n{named_entity_json}\n",
  tripleDemoOutput: `{"triples": [
    ["Vainu Bappu Observatory", "is located at", "Kavalur"],
    ["Kavalur", "is in", "Tamil Nadu"],
    ["Tamil Nadu", "is a state of", "India"],
    ["Vainu Bappu Observatory", "is an", "astronomical observatory"],
    ["Vainu Bappu Observatory", "is run by", "Indian Institute of Astrophysics"],
    ["Vainu Bappu Observatory", "is named after", "Vainu Bappu"],
    ["Vainu Bappu", "was an", "astronomer"],
    ["Vainu Bappu Observatory", "has", "2.34-metre telescope"],
    ["2.34-metre telescope", "in service since", "1986"],
    ["2.34-metre telescope", "was long the largest optical telescope in", "Asia"]
  ]
}
`,
};
