package dev.bursar.backends.djl.internal;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A Hugging Face {@code tokenizer.json} through DJL's tokenizers binding, with int ids. */
public final class TextCodec implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;

  private TextCodec(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  public static TextCodec load(Path tokenizerJson) {
    if (!Files.isRegularFile(tokenizerJson)) throw new IllegalArgumentException("no tokenizer at " + tokenizerJson);
    try {
      // no truncation or padding: the backend decides lengths itself
      return new TextCodec(HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("truncation", "false", "padding", "false")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer " + tokenizerJson, e);
    }
  }

  /** {@return the ids of {@code text}; with {@code special}, as the tokenizer's post-processor frames a prompt} */
  public int[] encode(String text, boolean special) {
    long[] ids = tokenizer.encode(text, special, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
    return out;
  }

  /** {@return the text of {@code ids}, special tokens included (they are part of the task's format)} */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /** {@return the text of {@code ids}; with {@code skipSpecial}, without the special tokens} */
  public String decode(int[] ids, boolean skipSpecial) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) l[i] = ids[i];
    return tokenizer.decode(l, skipSpecial);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
