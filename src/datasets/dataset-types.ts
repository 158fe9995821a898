/** A corpus passage. `content` is the indexed string `title + "\n" + text`, as upstream main.py builds it. */
export interface Passage {
  id: string;
  title: string;
  text: string;
  content: string;
}

/** A question with its gold answers and gold passages (exact `title\ntext` strings), as upstream. */
export interface Question {
  id: string;
  question: string;
  goldAnswers: string[];
  goldDocs: string[];
}

export interface Dataset {
  name: string;
  corpusPath: string;
  questionsPath?: string;
  passages: Passage[];
  questions: Question[];
}
