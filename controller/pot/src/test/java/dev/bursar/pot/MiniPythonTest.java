package dev.bursar.pot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python semantics of the program-of-thought interpreter, checked against CPython 3.11's output. */
class MiniPythonTest {

  private static Optional<String> ans(String program) {
    return MiniPython.run(program.replace("\\n", "\n"), "ans");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "ans = 16 - 3 - 4|9.0",
    "ans = 7 / 2|3.5",
    "ans = 7 // 2|3.0",
    "ans = -7 // 2|-4.0",
    "ans = -7 % 3|2.0",
    "ans = 7 % -3|-2.0",
    "ans = 7.5 // 2|3.0",
    "ans = -7.5 % 2|0.5",
    "ans = 2 ** 10|1024.0",
    "ans = 2 ** -1|0.5",
    "ans = -2 ** 2|-4.0",
    "ans = 2 ** 3 ** 2|512.0",
    "ans = 0.1 + 0.2|0.30000000000000004",
    "ans = 1 / 3|0.3333333333333333",
    "ans = 10 ** 16|1e+16",
    "ans = 10 ** 15|1000000000000000.0",
    "ans = 1 / 40000|2.5e-05",
    "ans = 0.0001|0.0001",
    "ans = 2 ** 100|1.2676506002282294e+30",
    "ans = True + 1|2.0",
    "ans = round(2.5)|2.0",
    "ans = round(3.5)|4.0",
    "ans = round(2.675, 2)|2.67",
    "ans = round(86.0, 0)|86.0",
    "ans = int(7.9) + int(-7.9)|0.0",
    "ans = abs(-3) + min(4, 2, 8) + max([1, 5])|10.0",
    "x = [5, 2 / 5 * 5 + 2, 2 * 5]\\nans = sum(x)|19.0",
    "x = [200, 400, 100]\\nans = 0\\nfor i in range(len(x)):\\n    ans += x[i]|700.0",
    "ans = 0\\nfor v in (1, 2, 3):\\n    ans += v|6.0",
    "a, b = 1, 2\\nans = a - b|-1.0",
    "ans = 1 if 3 % 2 == 0 else 0|0.0",
    "ans = 0\\nfor i in range(10):\\n    if i > 3 and not i == 5:\\n        continue\\n    ans += i|11.0",
    "ans = 0\\nfor i in range(0, 10, 3):\\n    ans += i\\n    if ans > 5:\\n        break|9.0",
    "ans = 0\\ni = 0\\nwhile i < 5:\\n    i += 1; ans += i|15.0",
    "ans = 1 < 2 < 3|1.0",
    "ans = '12'|12.0",
    "print('hello')\\nans = 3  # a comment|3.0",
    "ans = (1 +\\n       2)|3.0",
    "ans = 1_000 * 1.5|1500.0",
    "ans = 10.0 * 3|30.0",
    "ans = -0.0|-0.0",
    "ans = float('inf') if False else 2|2.0",
  })
  void matchesCPython(String program, String expected) {
    assertThat(ans(program)).contains(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "ans = x",
    "ans = 1 / 0",
    "ans = 1 % 0",
    "ans = 05",
    "ans = [1, 2]",
    "ans = 'abc'",
    "ans = 2 ** 100000",
    "ans = 10.0 ** 400",
    "ans = (-8) ** 0.5",
    "ans = input('age')",
    "def f():\\n    return 1\\nans = f()",
    "ans = [1, 2][5]",
    "ans = [1, 2][0:1]",
    "ans = 1 + 'a'",
    "x = 3\\nans = x(2)",
    "ans = 0\\nwhile ans >= 0:\\n    ans += 1",
    "ans = 0\\nfor i in range(10 ** 12):\\n    ans += 1",
    "if True:\\nans = 1",
    "ans = 1\\n  x = 2",
    "ans = 1 +",
    "ans = \"unterminated",
    "total_people_couldn't_come = 3\\nans = 1",
  })
  void failsLikeCPythonOrRefuses(String program) {
    assertThat(ans(program)).isEmpty();
  }
}
