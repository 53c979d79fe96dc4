/** Word lists for the simulator's text generation and feature extraction. */

export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have having ' +
    'he her here hers herself him himself his how i if in into is it its itself just me more most my myself no ' +
    'nor not now of off on once only or other our ours ourselves out over own same she should so some such than ' +
    'that the their theirs them themselves then there these they this those through to too under until up very ' +
    'was we were what when where which while who whom why will with would you your yours yourself yourselves ' +
    'please write give make use using provide explain describe tell create answer question user response ' +
    'help want need like one two three may might must shall let get got way ways many much well compare ' +
    'list draft compose discuss summarize summarise imagine suggest develop generate show find'
  ).split(' '),
);

/** Paired substitutions that keep x' related to x while changing what it asks. */
export const SUBSTITUTES: ReadonlyMap<string, string> = new Map(
  [
    ['advantages', 'disadvantages'], ['benefits', 'drawbacks'], ['pros', 'cons'], ['increase', 'decrease'],
    ['best', 'worst'], ['short', 'long'], ['shorter', 'longer'], ['formal', 'casual'], ['positive', 'negative'],
    ['modern', 'ancient'], ['future', 'past'], ['beginners', 'experts'], ['children', 'retirees'],
    ['students', 'managers'], ['python', 'javascript'], ['java', 'rust'], ['summer', 'winter'], ['city', 'village'],
    ['email', 'letter'], ['poem', 'limerick'], ['story', 'fable'], ['essay', 'speech'], ['blog', 'newsletter'],
    ['cats', 'dogs'], ['coffee', 'tea'], ['morning', 'evening'], ['largest', 'smallest'], ['fastest', 'slowest'],
    ['economic', 'environmental'], ['political', 'cultural'], ['physical', 'mental'], ['online', 'offline'],
    ['healthy', 'affordable'], ['travel', 'cooking'], ['music', 'painting'], ['history', 'geography'],
    ['sorted', 'reversed'], ['maximum', 'minimum'], ['sum', 'product'], ['even', 'odd'], ['prime', 'composite'],
    ['persuasive', 'neutral'], ['funny', 'serious'], ['optimistic', 'pessimistic'], ['rich', 'poor'],
  ].flatMap(([a, b]) => [
    [a!, b!],
    [b!, a!],
  ]),
);

/** Replacement topics for words without a paired substitute. */
export const TOPIC_NOUNS: readonly string[] = [
  'budget', 'climate', 'safety', 'design', 'marketing', 'nutrition', 'architecture', 'agriculture', 'astronomy',
  'finance', 'education', 'transport', 'energy', 'medicine', 'robotics', 'gardening', 'photography', 'chemistry',
  'insurance', 'logistics', 'tourism', 'fishing', 'banking', 'textiles', 'volcanoes', 'glaciers', 'bridges',
  'vaccines', 'satellites', 'batteries', 'forests', 'deserts', 'oceans', 'libraries', 'museums', 'airports',
];

/** Replacement names for capitalised words (places, people, products). */
export const PROPER_NOUNS: readonly string[] = [
  'Iceland', 'Kyoto', 'Peru', 'Morocco', 'Norway', 'Chile', 'Vietnam', 'Portugal', 'Kenya', 'Mongolia',
  'Tasmania', 'Quebec', 'Sicily', 'Bhutan', 'Patagonia', 'Lisbon', 'Nairobi', 'Oslo', 'Hanoi', 'Cusco',
];

export const EXTRA_CONSTRAINTS: readonly string[] = [
  'Answer in exactly three sentences.',
  'Focus only on the historical background.',
  'Address it to a ten-year-old reader.',
  'Include one concrete numerical example.',
  'Limit the answer to a bulleted list of five items.',
  'Write it from the perspective of a skeptic.',
];

export const FILLER_SENTENCES: readonly string[] = [
  'It is worth being precise here, because small details change the outcome.',
  'A practical approach is to start with the simplest case and then generalise.',
  'Keep in mind that context matters, so adapt this to your own situation.',
  'This is a common point of confusion, so it helps to state the assumptions explicitly.',
  'Checking the result against a concrete example is a good habit.',
  'There are trade-offs involved, and the right balance depends on your goals.',
  'Experts generally agree on the core ideas, even if they differ on the details.',
  'Breaking the problem into smaller parts makes each step easier to verify.',
  'Clear structure makes the answer easier to follow and to act on.',
  'If anything remains unclear, revisiting the definitions usually resolves it.',
];

export const KEYWORD_SENTENCES: readonly ((k: string) => string)[] = [
  (k) => `${capitalize(k)} is central here, since it shapes how the rest of the answer fits together.`,
  (k) => `A good way to think about ${k} is to start from the basics and build up step by step.`,
  (k) => `When it comes to ${k}, the key is to be specific and to check each assumption.`,
  (k) => `Consider how ${k} works in practice, not only in theory.`,
  (k) => `The role of ${k} deserves attention, because it is easy to overlook.`,
  (k) => `For ${k}, a concrete example makes the idea much clearer.`,
];

export const PAIR_SENTENCES: readonly ((a: string, b: string) => string)[] = [
  (a, b) => `${capitalize(a)} and ${b} are closely related, so it helps to treat them together.`,
  (a, b) => `The connection between ${a} and ${b} is what makes this question interesting.`,
  (a, b) => `Balancing ${a} against ${b} is the main decision to make.`,
];

export const INTRO_SENTENCES: readonly ((topic: string) => string)[] = [
  (t) => `Here is a clear answer about ${t}.`,
  (t) => `Let us look at ${t} carefully.`,
  (t) => `Good question: ${t} can be approached in a few steps.`,
  (t) => `The short version is that ${t} comes down to a handful of ideas.`,
];

export const CLOSING_SENTENCES: readonly ((topic: string) => string)[] = [
  (t) => `In short, focusing on ${t} gives the most reliable result.`,
  (t) => `To sum up, ${t} is best handled with care and a clear plan.`,
  (t) => `Overall, keeping ${t} in view will lead to a good outcome.`,
];

export function capitalize(word: string): string {
  return word ? word[0]!.toUpperCase() + word.slice(1) : word;
}
