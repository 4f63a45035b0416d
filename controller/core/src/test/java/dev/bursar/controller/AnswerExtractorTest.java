package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.AnswerExtractor.Task;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerExtractorTest {

  private static Optional<String> x(String text) {
    return AnswerExtractor.extract(text);
  }

  @Test
  void emptyOrBlankHasNoAnswer() {
    assertThat(x("")).isEmpty();
    assertThat(x("  \n ")).isEmpty();
    assertThat(AnswerExtractor.extract(null)).isEmpty();
  }

  // ---------------------------------------------------------------- date pools (A: marker)

  @Test
  void dateAfterTheLastAMarker() {
    // mot_gpt35_date_cot1_n40, q0
    assertThat(x("Explain: Yesterday was April 30, 2021. Today is one day after April 30, 2021, so today is"
        + " May 1, 2021.\nA: 05/01/2021")).contains("05/01/2021");
  }

  @Test
  void llamaInventedFollowUpQuestionsTakeTheLastA() {
    // mot_llama2_13b_date_cot1_n10, q0: the source took the text after the last "A: "
    String text = "Explain: Yesterday was April 30, 2021, so today is May 01, 2021.\nA: 05/01/2021\n\n\n\n"
        + "●Question 05:\nQ: The last day of 1901 is 12/31. What is the date two years ago from today in"
        + " MM/DD/YYYY?\nExplain: The last day of 1901 is 12/31. Therefore, today is 12/31/1901.\nTwo years"
        + " ago of today is 12/31/1899.\nA: 12/31/1899";
    assertThat(x(text)).contains("12/31/1899");
  }

  @Test
  void aMarkerStopsAtTheEndOfTheLine() {
    // mot_llama2_13b_date_cot1_n10, q2 (the source kept the trailing lines)
    assertThat(x("Yesterday in MM/DD/YYYY is 04/30/2021.\nA: 04/30/2021\n\n### 3rd Question\n\n[link](3rd_question.md)"))
        .contains("04/30/2021");
    assertThat(x("\nA: 04/30/2020\n")).contains("04/30/2020");
  }

  @Test
  void aMarkerWithoutContentIsSkipped() {
    // mot_llama2_13b_date_cot1_n10, q125: "A:" lines with nothing after them
    assertThat(x("The date 24 hours later of tomorrow is Jul 30, 2002.\nA: Jul 30, 2002\n```\n\n**Q: When?**\n\n```\nA:\n```\n"))
        .contains("Jul 30, 2002");
  }

  @Test
  void aMarkerLineIsKeptAsWrittenWithoutHint() {
    assertThat(x("A: June 1, 2021")).contains("June 1, 2021");
    assertThat(x("A: 05/01/2021.")).contains("05/01/2021.");
    assertThat(AnswerExtractor.extract("A: Today is 05/01/2021.", Task.DATE)).contains("05/01/2021");
  }

  @Test
  void theAnswerIsWithoutAMarker() {
    // mot_gpt35_date_cot1_n40, q236
    assertThat(x("I have already answered this question. The answer is 06/01/1943.")).contains("06/01/1943");
  }

  @Test
  void textWithoutAnyMarkerIsTheWholeTextAsTheSourceStoredIt() {
    // mot_gpt35_date_cot1_n40: "Today is 09/07/2003." occurs 39 times without "A: "
    assertThat(x("Today is 09/07/2003.")).contains("Today is 09/07/2003.");
    assertThat(AnswerExtractor.extract("Today is 09/07/2003.", Task.DATE)).contains("09/07/2003");
    assertThat(AnswerExtractor.extract("Tomorrow is Tue, 7/9/1972.", Task.DATE)).contains("7/9/1972");
  }

  // ---------------------------------------------------------------------------- \boxed{}

  @Test
  void lastBoxedWithNestedBraces() {
    // qwen25math_rmmaj_math100_n8
    assertThat(x("is \\(\\boxed{420}\\).")).contains("420");
    assertThat(x("So \\(\\boxed{\\frac{1}{2}}\\).")).contains("\\frac{1}{2}");
    assertThat(x("\\[\n\\boxed{9999.857142857143}\n\\] or \\(\\boxed{9999 \\frac{6}{7}}\\).")).contains("9999\\frac{6}{7}");
    assertThat(x("\\[\n\\boxed{\\sqrt{34} + 3\\sqrt{10}}\n\\]")).contains("\\sqrt{34}+3\\sqrt{10}");
    assertThat(x("$\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$")).contains("(3,\\frac{\\pi}{2})");
  }

  @Test
  void boxedUnitsAndFormattingAreCleanedLikeQwensStripString() {
    // qwen25math_rmmaj_math100_n8: the source's pred is "4:30"
    assertThat(x("arrive at their destination at \\boxed{4:30 \\text{ p.m.}}.")).contains("4:30");
    assertThat(x("\\boxed{\\dfrac{3}{4}}")).contains("\\frac{3}{4}");
    assertThat(x("\\boxed{90^\\circ}")).contains("90");
    assertThat(x("\\boxed{\\$18}")).contains("18");
    assertThat(x("\\fbox{7}")).contains("7");
    assertThat(x("the answer is \\boxed 5")).contains("5");
  }

  @Test
  void unclosedBoxedFallsThrough() {
    assertThat(x("The answer is 12. \\boxed{1")).isNotEqualTo(Optional.of("1"));
  }

  // --------------------------------------------------------------- other markers and tidying

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "Natalia sold 48+24 = 72 clips.\\n#### 72|72",
    "She makes 9 * 2 = $18 every day.\\n#### 18|18",
    "#### 1,000|1,000",
    "Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct.|\\frac{1}{2}",
    "**Final Answer:** 42|42",
    "Therefore, the answer is $18.|18",
    "So the answer is 18 dollars.|18",
    "The answer is 18%.|18",
    "The answer is -5.|-5",
    "The answer is 3/4.|3/4",
    "The answer is 18.0.|18.0",
    "The answer is $1,000.|1,000",
    "So the answer is (c).|C",
    "The answer is (B) 05/01/2021.|B",
    "The answer is B) 42|B",
    "The answer is **12**.|12",
    "The answer is x = 7.|7",
    "The answer is yes.|yes",
    "Answer: 09/02/2003|09/02/2003",
  })
  void markersAndTidying(String text, String expected) {
    assertThat(x(text.replace("\\n", "\n"))).contains(expected);
  }

  @Test
  void normalizerComparesTidiedNumbers() {
    assertThat(AnswerNormalizer.normalize(x("The answer is $1,000.").orElseThrow())).isEqualTo("num:1000");
    assertThat(AnswerNormalizer.normalize(x("#### 18.0").orElseThrow())).isEqualTo("num:18");
  }

  @Test
  void hintsPickTheLastOfTheirKindWhenThereIsNoMarker() {
    assertThat(AnswerExtractor.extract("So she pays 5 + 13 = 18 dollars in total.", Task.NUMBER)).contains("18");
    assertThat(AnswerExtractor.extract("Both (A) and (C) look right, but (D) is best.", Task.CHOICE)).contains("D");
    assertThat(AnswerExtractor.extract("The answer is B. Because ...", Task.CHOICE)).contains("B");
    assertThat(AnswerExtractor.extract("no numbers here", Task.NUMBER)).isEmpty();
  }

  // ------------------------------------------------------------------- program of thought

  @Test
  void programsAreNotRunByTheController() {
    // Running model-written code is opt-in (bursar-pot's ProgramAnswers); without a runner a program has no answer.
    assertThat(x("# Python code, return ans\nprice = 2\nans = price * 9")).isEmpty();
    assertThat(Answers.read("a = 7\nb = 5\nans = a // b + a % b")).isEmpty();
    assertThat(Answers.read("# Python code, return ans\nans = 18", src -> Optional.of("ran: " + src.length())))
        .contains("ran: 34");
  }
}
