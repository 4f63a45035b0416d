package dev.bursar.pot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Answers;
import dev.bursar.trace.Pool;
import dev.bursar.trace.TraceRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Agreement of bursar's answer reading ({@link ProgramAnswers}: the core extractor, with programs
 * run) with the answers the pools' sources extracted: the fraction of samples whose vote key
 * ({@link Answers#normalize}) is the same, no answer on both sides
 * counting as agreement. Reads the shared pools; skips when they are not there.
 *
 * <p>Measured: GPT-3.5 date 0.9913, Llama-2 date 0.9916, Llama-2 GSM8K programs 1.0000, Qwen MATH
 * 1.0000. The disagreements left are deliberate: texts without {@code A: } that say "the answer is
 * 06/01/1943" (the source stored the whole text; we take the date), and {@code A: } answers
 * followed by further lines of invented text (the source kept them; we stop at the end of the line).
 */
class AnswerAgreementPoolTest {
  private static final Path POOLS =
      Path.of(System.getProperty("bursar.shared.data", "../../../shared/data"), "pools");

  @ParameterizedTest(name = "{0} >= {1}")
  @CsvSource({
    "mot_gpt35_date_cot1_n40, 0.99",
    "mot_llama2_13b_date_cot1_n10, 0.99",
    "mot_llama2_13b_gsm8k_pot1_n10, 0.998",
    "qwen25math_rmmaj_math100_n8, 0.995",
  })
  void agreesWithThePoolsAnswers(String pool, double minimum) throws IOException {
    Path file = POOLS.resolve(pool + ".jsonl");
    Assumptions.assumeTrue(Files.isRegularFile(file), "shared data not found at " + file + ": skipping");
    int samples = 0;
    int agree = 0;
    int shown = 0;
    for (TraceRecord question : Pool.read(file).records()) {
      for (TraceRecord.Sample sample : question.samples()) {
        String text = sample.text();
        @Nullable String answer = sample.answer();
        @Nullable String extracted = text == null ? null : ProgramAnswers.read(text).orElse(null);
        samples++;
        if (Objects.equals(Answers.normalize(extracted), Answers.normalize(answer))) {
          agree++;
        } else if (shown++ < 40) {
          System.out.printf("[%s q%s] pool=%s extracted=%s%n    text=...%s%n", pool, question.qid(),
              esc(answer), esc(extracted), esc(tail(text)));
        }
      }
    }
    double agreement = (double) agree / samples;
    System.out.printf("AGREEMENT %s: %d/%d = %.4f%n", pool, agree, samples, agreement);
    assertThat(agreement).isGreaterThanOrEqualTo(minimum);
  }

  private static @Nullable String tail(@Nullable String s) {
    return s == null || s.length() <= 160 ? s : s.substring(s.length() - 160);
  }

  private static String esc(@Nullable String s) {
    return s == null ? "null" : "'" + s.replace("\n", "\\n") + "'";
  }
}
