package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Response ids: the OpenAI shape (prefix and 32 hex digits, leading zeros kept) and unique. */
final class ResponseIdTest {

  @Test
  void idsHaveThePrefixAnd32HexDigits_andDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = ChatService.id("chatcmpl-");
      assertThat(id).matches("chatcmpl-[0-9a-f]{32}");
      assertThat(seen.add(id)).isTrue();
    }
  }
}
