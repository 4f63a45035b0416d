package dev.bursar.pot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Program-of-thought answers, run by the sandboxed interpreter (moved from the core extractor's tests). */
class ProgramAnswersTest {

  private static Optional<String> x(String text) {
    return ProgramAnswers.read(text);
  }

  @Test
  void gsm8kProgramIsRun() {
    // mot_llama2_13b_gsm8k_pot1_n10, q0 (stored answer "18.0")
    String text = "# Python code, return ans\neggs_per_day = 16\neggs_eaten_for_breakfast = 3\n"
        + "eggs_used_for_muffins = 4\neggs_sold_at_the_farmers_market = eggs_per_day - eggs_eaten_for_breakfast"
        + " - eggs_used_for_muffins\nprice_per_egg = 2\nans = eggs_sold_at_the_farmers_market * price_per_egg";
    assertThat(x(text)).contains("18.0");
  }

  @Test
  void programsWithLoopsAndBranches() {
    // mot_llama2_13b_gsm8k_pot1_n10, q5 (stored "64.0")
    assertThat(x("# Python code, return ans\nnum_glasses = 16\nfirst_glass_cost = 5\nsecond_glass_cost = 5 * 0.6\n"
        + "ans = 0\nfor i in range(num_glasses):\n    if i % 2 == 0:\n        ans += first_glass_cost\n"
        + "    else:\n        ans += second_glass_cost")).contains("64.0");
    // a while loop (stored "12.0")
    assertThat(x("# Python code, return ans\ntotal_cost = 90\ncost_of_watering_and_feeding = 3\n"
        + "cost_of_each_lemon = 1.5\nnum_of_lemon_per_year = 7\nans = 0\nwhile total_cost > 0:\n"
        + "    total_cost += cost_of_watering_and_feeding\n"
        + "    total_cost -= num_of_lemon_per_year * cost_of_each_lemon\n    ans += 1")).contains("12.0");
  }

  @Test
  void programsThatFailHaveNoAnswer() {
    // unbound name (NameError in Python)
    assertThat(x("# Python code, return ans\nx = 3\nans = x * y")).isEmpty();
    // range() of a float (TypeError)
    assertThat(x("# Python code, return ans\nn = 10 * 0.6\nans = 0\nfor i in range(n):\n    ans += 1")).isEmpty();
    // syntax error (q30: "ratio = 7:11")
    assertThat(x("# Python code, return ans\nratio = 7:11\nans = ratio")).isEmpty();
    // an endless loop (the source's time limit)
    assertThat(x("# Python code, return ans\nans = 0\nwhile True:\n    ans += 1")).isEmpty();
    // modules are not supported (q145: time.sleep; the source got a NameError)
    assertThat(x("# Python code, return ans\nans = 0\nfor i in range(3):\n    ans += 1\n    time.sleep(3)")).isEmpty();
    assertThat(x("# Python code, return ans\nimport random\nans = random.randint(0, 3)")).isEmpty();
    // no ans
    assertThat(x("# Python code, return ans\ntotal = 5")).isEmpty();
    // division by zero
    assertThat(x("# Python code, return ans\nans = 1 / 0")).isEmpty();
  }

  @Test
  void fencedProgramInAnOtherwiseProseAnswer() {
    assertThat(x("Here is the code:\n```python\nprice = 2\nans = price * 9\n```\nIt prints 18.")).contains("18.0");
  }

  @Test
  void bareCodeWithAnsIsRun() {
    assertThat(x("a = 7\nb = 5\nans = a // b + a % b")).contains("3.0");
  }
}
