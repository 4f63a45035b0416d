package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class AnswerNormalizerTest {

  @Test
  void dates_compareAsIntegers() {
    assertThat(AnswerNormalizer.normalize("05/01/2021")).isEqualTo(AnswerNormalizer.normalize("5/1/2021"));
    assertThat(AnswerNormalizer.normalize("05/01/2021")).isNotEqualTo(AnswerNormalizer.normalize("05/02/2021"));
  }

  @Test
  void numbers_dropCommasDollarsAndTrailingZeros() {
    assertThat(AnswerNormalizer.normalize("18.0")).isEqualTo(AnswerNormalizer.normalize("18"));
    assertThat(AnswerNormalizer.normalize("$1,000")).isEqualTo(AnswerNormalizer.normalize("1000.000"));
    assertThat(AnswerNormalizer.normalize("0.1234567")).isEqualTo("num:0.123457");
    assertThat(AnswerNormalizer.normalize("-0.0")).isEqualTo("num:0");
  }

  @Test
  void strings_areStrippedAndLowerCased_blankDoesNotVote() {
    assertThat(AnswerNormalizer.normalize("  \\frac{1}{2} ")).isEqualTo("str:\\frac{1}{2}");
    assertThat(AnswerNormalizer.normalize("(B)")).isEqualTo(AnswerNormalizer.normalize("(b)"));
    assertThat(AnswerNormalizer.normalize("   ")).isNull();
    assertThat(AnswerNormalizer.normalize(null)).isNull();
  }
}
