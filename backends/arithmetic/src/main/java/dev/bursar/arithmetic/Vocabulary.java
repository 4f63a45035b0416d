package dev.bursar.arithmetic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fixed token vocabulary of the embedded model: six special tokens, then one token per
 * character of the task alphabet. 27 tokens; ids never change (the trained weights depend on them).
 *
 * <table>
 *   <caption>Token ids</caption>
 *   <tr><th>id</th><th>token</th></tr>
 *   <tr><td>0</td><td>{@code <pad>}</td></tr>
 *   <tr><td>1</td><td>{@code <bos>}</td></tr>
 *   <tr><td>2</td><td>{@code <eos>}</td></tr>
 *   <tr><td>3</td><td>{@code <unk>}</td></tr>
 *   <tr><td>4</td><td>{@code <think>}</td></tr>
 *   <tr><td>5</td><td>{@code </think>}</td></tr>
 *   <tr><td>6..15</td><td>{@code 0}..{@code 9}</td></tr>
 *   <tr><td>16..26</td><td>{@code + - * ( ) = ; Q A :} and newline</td></tr>
 * </table>
 *
 * <p>{@link #tokenizerJson()} renders the same vocabulary as a HuggingFace {@code tokenizer.json}
 * (a BPE model with no merges and no pre-tokenizer, i.e. one token per character, the special
 * tokens as {@code added_tokens} with {@code special: true}, and a {@code Fuse} decoder that
 * concatenates tokens without spaces), loadable by DJL's {@code HuggingFaceTokenizer}; it encodes
 * exactly like {@link CharTokenizer}. Load it with {@code optAddSpecialTokens(false)} or not: there
 * is no post-processor, so nothing is added either way.
 */
public final class Vocabulary {

  /** Id of {@code <pad>}. */
  public static final int PAD_ID = 0;
  /** Id of {@code <bos>}. */
  public static final int BOS_ID = 1;
  /** Id of {@code <eos>}. */
  public static final int EOS_ID = 2;
  /** Id of {@code <unk>}; characters outside the alphabet encode to it. */
  public static final int UNK_ID = 3;
  /** Id of {@code <think>}. */
  public static final int THINK_OPEN_ID = 4;
  /** Id of {@code </think>}. */
  public static final int THINK_CLOSE_ID = 5;

  /** The special tokens, in id order (ids 0..5). */
  public static final List<String> SPECIAL_TOKENS =
      List.of(
          ArithmeticTask.PAD,
          ArithmeticTask.BOS,
          ArithmeticTask.EOS,
          ArithmeticTask.UNK,
          ArithmeticTask.THINK_OPEN,
          ArithmeticTask.THINK_CLOSE);

  /** The character alphabet, in id order (ids 6..26). */
  public static final String ALPHABET = "0123456789+-*()=;QA:\n";

  /** Every token, indexed by id. */
  public static final List<String> TOKENS = buildTokens();

  /** Number of tokens (27). */
  public static final int SIZE = TOKENS.size();

  private Vocabulary() {}

  private static List<String> buildTokens() {
    var list = new java.util.ArrayList<String>(SPECIAL_TOKENS);
    for (char c : ALPHABET.toCharArray()) {
      list.add(String.valueOf(c));
    }
    return List.copyOf(list);
  }

  /** The token of an id. */
  public static String token(int id) {
    return TOKENS.get(id);
  }

  /** The id of a token, or {@link #UNK_ID} if it is not in the vocabulary. */
  public static int id(String token) {
    int i = TOKENS.indexOf(token);
    return i < 0 ? UNK_ID : i;
  }

  /** Whether the id is one of the six special tokens. */
  public static boolean isSpecial(int id) {
    return id >= 0 && id < SPECIAL_TOKENS.size();
  }

  /**
   * The HuggingFace {@code tokenizer.json} for this vocabulary (format version 1.0, accepted by the
   * Rust {@code tokenizers} library as bundled with DJL).
   */
  public static String tokenizerJson() {
    return TokenizerJson.render();
  }

  /**
   * Writes {@link #tokenizerJson()} to {@code file} (UTF-8), creating parent directories.
   *
   * @return {@code file}
   */
  public static Path writeTokenizerJson(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, tokenizerJson(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write tokenizer.json to " + file, e);
    }
  }
}
