package dev.bursar.arithmetic;

import java.util.Arrays;

/**
 * Pure-Java tokenizer over {@link Vocabulary}: encodes exactly like the {@code tokenizer.json} from
 * {@link Vocabulary#tokenizerJson()} does under HuggingFace {@code tokenizers} (special tokens
 * written literally, e.g. {@code <think>}, are one token each, matched leftmost-longest; every other
 * character is one token; characters outside the alphabet become {@code <unk>}), without JNI.
 * Stateless and thread-safe.
 */
public final class CharTokenizer {

  /** The shared instance. */
  public static final CharTokenizer INSTANCE = new CharTokenizer();

  private static final int[] CHAR_IDS = new int[128];

  static {
    Arrays.fill(CHAR_IDS, Vocabulary.UNK_ID);
    for (int i = 0; i < Vocabulary.ALPHABET.length(); i++) {
      CHAR_IDS[Vocabulary.ALPHABET.charAt(i)] = Vocabulary.SPECIAL_TOKENS.size() + i;
    }
  }

  private CharTokenizer() {}

  /** Vocabulary size ({@link Vocabulary#SIZE}). */
  public int vocabSize() {
    return Vocabulary.SIZE;
  }

  /** Encodes text to ids; adds nothing (no {@code <bos>}). */
  public int[] encode(String text) {
    int[] out = new int[text.length()];
    int n = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '<') {
        int special = matchSpecial(text, i);
        if (special >= 0) {
          out[n++] = special;
          i += Vocabulary.SPECIAL_TOKENS.get(special).length();
          continue;
        }
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out[n++] = Vocabulary.UNK_ID;
        i += 2;
        continue;
      }
      out[n++] = c < 128 ? CHAR_IDS[c] : Vocabulary.UNK_ID;
      i++;
    }
    return Arrays.copyOf(out, n);
  }

  /** {@code <bos>} followed by {@link #encode(String)}: the form training sequences take. */
  public int[] encodeWithBos(String text) {
    int[] body = encode(text);
    int[] out = new int[body.length + 1];
    out[0] = Vocabulary.BOS_ID;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  private static int matchSpecial(String text, int at) {
    int best = -1;
    int bestLen = 0;
    for (int id = 0; id < Vocabulary.SPECIAL_TOKENS.size(); id++) {
      String s = Vocabulary.SPECIAL_TOKENS.get(id);
      if (s.length() > bestLen && text.startsWith(s, at)) {
        best = id;
        bestLen = s.length();
      }
    }
    return best;
  }

  /** Decodes ids to text, special tokens included literally (the inverse of {@link #encode}). */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /**
   * Decodes ids to text.
   *
   * @param skipSpecial drop the six special tokens ({@code <pad> <bos> <eos> <unk> <think>
   *     </think>})
   * @throws IllegalArgumentException on an id outside the vocabulary
   */
  public String decode(int[] ids, boolean skipSpecial) {
    StringBuilder sb = new StringBuilder(ids.length + 16);
    for (int id : ids) {
      if (id < 0 || id >= Vocabulary.SIZE) {
        throw new IllegalArgumentException("token id " + id + " outside 0.." + (Vocabulary.SIZE - 1));
      }
      if (skipSpecial && Vocabulary.isSpecial(id)) {
        continue;
      }
      sb.append(Vocabulary.TOKENS.get(id));
    }
    return sb.toString();
  }

  /** Number of tokens {@link #encode(String)} yields. */
  public int count(String text) {
    return encode(text).length;
  }
}
