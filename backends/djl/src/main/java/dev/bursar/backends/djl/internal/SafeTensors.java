package dev.bursar.backends.djl.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

/**
 * A small codec for the safetensors format: an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to its dtype, shape and byte range, then the raw little-endian data.
 * Reads F32, BF16 and F16 (widened to float); writes F32, BF16 (rounded to nearest even) or F16.
 */
public final class SafeTensors implements AutoCloseable {

  /** A float tensor in row-major order. */
  public record FloatTensor(long[] shape, float[] data) {
    public FloatTensor {
      if (elements(shape) != data.length) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
      }
    }
  }

  /** Where one tensor lies in the file. */
  public record Entry(String dtype, long[] shape, long begin, long end) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final SequencedMap<String, Entry> entries;

  private SafeTensors(Path file, FileChannel channel, long dataStart, SequencedMap<String, Entry> entries) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.entries = entries;
  }

  /** Opens a file and parses its header; tensor data is read on demand. */
  public static SafeTensors open(Path file) {
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long headerLen = len.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen + 8 > ch.size()) {
        throw new IllegalArgumentException(file + ": not a safetensors file (header length " + headerLen + ")");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      JsonNode header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
      SequencedMap<String, Entry> entries = new LinkedHashMap<>();
      long dataLen = ch.size() - 8 - headerLen;
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        var f = it.next();
        if (f.getKey().equals("__metadata__")) continue;
        JsonNode t = f.getValue();
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
        long begin = t.get("data_offsets").get(0).asLong();
        long end = t.get("data_offsets").get(1).asLong();
        String dtype = t.get("dtype").asText();
        if (begin < 0 || end < begin || end > dataLen) {
          throw new IllegalArgumentException(file + ": tensor " + f.getKey() + " has offsets outside the file");
        }
        if (end - begin != elements(shape) * bytesPer(dtype, f.getKey())) {
          throw new IllegalArgumentException(file + ": tensor " + f.getKey() + " byte size does not match its shape");
        }
        entries.put(f.getKey(), new Entry(dtype, shape, begin, end));
      }
      return new SafeTensors(file, ch, 8 + headerLen, entries);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new UncheckedIOException("cannot read safetensors " + file, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /** {@return the tensor names in file order} */
  public Set<String> names() {
    return entries.keySet();
  }

  public boolean has(String name) {
    return entries.containsKey(name);
  }

  /** {@return the shape of a tensor} @throws IllegalArgumentException naming the missing tensor */
  public long[] shape(String name) {
    return entry(name).shape().clone();
  }

  private Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) throw new IllegalArgumentException(file + ": missing tensor " + name);
    return e;
  }

  /**
   * Reads a tensor as floats, checking its shape.
   *
   * @throws IllegalArgumentException naming the tensor when it is missing or its shape differs
   */
  public float[] read(String name, long... expectedShape) {
    Entry e = entry(name);
    if (!Arrays.equals(e.shape(), expectedShape)) {
      throw new IllegalArgumentException(
          file + ": tensor " + name + " has shape " + Arrays.toString(e.shape())
              + ", expected " + Arrays.toString(expectedShape));
    }
    long bytes = e.end() - e.begin();
    if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException(file + ": tensor " + name + " is over 2 GiB");
    ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      readFully(channel, buf, dataStart + e.begin());
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot read tensor " + name + " from " + file, ex);
    }
    buf.flip();
    int n = (int) elements(e.shape());
    float[] out = new float[n];
    switch (e.dtype()) {
      case "F32" -> buf.asFloatBuffer().get(out);
      case "BF16" -> {
        for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
      }
      case "F16" -> {
        for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(buf.getShort());
      }
      default -> throw new IllegalArgumentException(file + ": tensor " + name + " has unsupported dtype " + e.dtype());
    }
    return out;
  }

  /** Writes F32 tensors (names sorted, as the reference writer does). */
  public static void write(Path file, Map<String, FloatTensor> tensors) {
    write(file, tensors, "F32");
  }

  /** Writes tensors as {@code dtype} (F32, BF16 or F16), names sorted. */
  public static void write(Path file, Map<String, FloatTensor> tensors, String dtype) {
    if (!List.of("F32", "BF16", "F16").contains(dtype)) throw new IllegalArgumentException("cannot write dtype " + dtype);
    int width = bytesPer(dtype, "");
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    var names = tensors.keySet().stream().sorted().toList();
    long offset = 0;
    for (String name : names) {
      FloatTensor t = tensors.get(name);
      ObjectNode e = header.putObject(name);
      e.put("dtype", dtype);
      var shape = e.putArray("shape");
      for (long d : t.shape()) shape.add(d);
      long size = (long) width * t.data().length;
      e.putArray("data_offsets").add(offset).add(offset + size);
      offset += size;
    }
    byte[] hjson;
    try {
      hjson = JSON.writeValueAsBytes(header);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The header is padded with spaces to an 8-byte boundary so the data is aligned.
    int pad = (8 - hjson.length % 8) % 8;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer head = ByteBuffer.allocate(8 + hjson.length + pad).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(hjson.length + pad).put(hjson);
      for (int i = 0; i < pad; i++) head.put((byte) ' ');
      writeFully(ch, head.flip());
      for (String name : names) {
        float[] d = tensors.get(name).data();
        ByteBuffer b = ByteBuffer.allocate(width * d.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : d) {
          switch (dtype) {
            case "F32" -> b.putFloat(v);
            case "BF16" -> b.putShort(toBf16(v));
            default -> b.putShort(Float.floatToFloat16(v));
          }
        }
        writeFully(ch, b.flip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write safetensors " + file, e);
    }
  }

  /** {@return the bfloat16 bits of {@code v}, rounded to nearest even as torch does} */
  static short toBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) return (short) ((bits >>> 16) | 0x40);
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** {@return {@code v} as it reads back from BF16} */
  public static float roundToBf16(float v) {
    return Float.intBitsToFloat((toBf16(v) & 0xffff) << 16);
  }

  static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      n *= d;
    }
    return n;
  }

  private static int bytesPer(String dtype, String name) {
    return switch (dtype) {
      case "F32", "I32" -> 4;
      case "BF16", "F16", "I16" -> 2;
      case "F64", "I64" -> 8;
      case "I8", "U8", "BOOL" -> 1;
      default -> throw new IllegalArgumentException("tensor " + name + " has unknown dtype " + dtype);
    };
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) throw new IOException("unexpected end of file");
      pos += r;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) ch.write(buf);
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch == null) return;
    try {
      ch.close();
    } catch (IOException ignored) {
      // already failing with a better message
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
