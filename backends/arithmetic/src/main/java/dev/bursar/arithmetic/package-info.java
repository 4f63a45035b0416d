/**
 * The synthetic task behind bursar's embedded default model: multi-step integer arithmetic with an
 * exact ground truth, a character-level text format with a thinking segment, training-data
 * generation, exact answer and per-step checkers, the vocabulary / {@code tokenizer.json}, and a
 * parser that turns human questions into model prompts.
 *
 * <h2>Text format</h2>
 *
 * <p>One example is {@code prompt + completion}, character-level, special tokens written literally
 * and tokenized as single tokens:
 *
 * <pre>
 * Q:17+25*3\n                                   &lt;- prompt ({@link dev.bursar.arithmetic.ArithmeticTask#prompt(String)})
 * &lt;think&gt;25*3=75;17+75\n17+75=92\n&lt;/think&gt;A:92\n&lt;eos&gt;   &lt;- completion
 * </pre>
 *
 * <p>Each thinking line reduces exactly one operation of the current expression: {@code a op b=c},
 * followed by {@code ;} and the whole remaining expression with that operation replaced by its
 * value (omitted on the last step, where the remaining expression is just {@code c}). Operations are
 * reduced in the canonical order: innermost (leftmost) parenthesised group first, inside it the
 * leftmost {@code *}, else the leftmost {@code +}/{@code -}. Training mixes may also use any
 * other admissible order and write the operands of {@code +}/{@code *} steps swapped ({@link
 * dev.bursar.arithmetic.TrainingExamples.Mix}); {@link
 * dev.bursar.arithmetic.StepChecker} accepts both. See {@link
 * dev.bursar.arithmetic.ArithmeticTask} for the constants and the probe suffix.
 *
 * <h2>Entry points</h2>
 *
 * <ul>
 *   <li>{@link dev.bursar.arithmetic.ArithmeticTask}: generation, prompt / completion
 *       formatting, constants.
 *   <li>{@link dev.bursar.arithmetic.Bucket} and {@link
 *       dev.bursar.arithmetic.Difficulty}: difficulty knobs and the named buckets.
 *   <li>{@link dev.bursar.arithmetic.TrainingExamples}: seeded infinite stream of full and
 *       forced-answer {@link dev.bursar.arithmetic.TrainingExample}s.
 *   <li>{@link dev.bursar.arithmetic.AnswerChecker} and {@link
 *       dev.bursar.arithmetic.StepChecker}: exact grading of answers and of each thinking
 *       step ({@link dev.bursar.arithmetic.StepCheck}).
 *   <li>{@link dev.bursar.arithmetic.Vocabulary} and {@link
 *       dev.bursar.arithmetic.CharTokenizer}: token ids and the HuggingFace {@code
 *       tokenizer.json}.
 *   <li>{@link dev.bursar.arithmetic.QuestionParser}: human question to canonical
 *       expression.
 *   <li>{@link dev.bursar.arithmetic.ProblemSet}: reproducible evaluation sets.
 * </ul>
 *
 * <p>Pure Java: nothing in this package depends on DJL.
 */
@org.jspecify.annotations.NullMarked
package dev.bursar.arithmetic;
