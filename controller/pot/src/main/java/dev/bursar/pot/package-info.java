/**
 * Opt-in: reads the answer of a program-of-thought sample by running the model-written Python in
 * a small sandboxed interpreter ({@link dev.bursar.pot.ProgramAnswers}). Running model-written code
 * is never done by the controller; only callers that depend on this module do it (the replay
 * benchmark's extractor-agreement metric).
 */
@NullMarked
package dev.bursar.pot;

import org.jspecify.annotations.NullMarked;
