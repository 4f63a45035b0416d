package dev.bursar.sidecar.serve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small reader of the protobuf wire format, enough to walk an OTLP export request by field
 * numbers (ExportTraceServiceRequest: resource_spans = 1, scope_spans = 2, spans = 2, name = 5,
 * attributes = 9 of KeyValue key = 1, value = 2).
 */
final class Protobuf {
  private Protobuf() {}

  /** {@return the bytes of every length-delimited field {@code number} of {@code message}} */
  static List<byte[]> fields(byte[] message, int number) {
    List<byte[]> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < message.length) {
      long key = varint(message, pos);
      int field = (int) (key >>> 3), type = (int) (key & 7);
      switch (type) {
        case 0 -> varint(message, pos);
        case 1 -> pos[0] += 8;
        case 5 -> pos[0] += 4;
        case 2 -> {
          int len = (int) varint(message, pos);
          if (field == number) out.add(java.util.Arrays.copyOfRange(message, pos[0], pos[0] + len));
          pos[0] += len;
        }
        default -> throw new IllegalArgumentException("unsupported wire type " + type + " at " + pos[0]);
      }
    }
    return out;
  }

  static String string(byte[] message, int number) {
    List<byte[]> f = fields(message, number);
    return f.isEmpty() ? "" : new String(f.getFirst(), StandardCharsets.UTF_8);
  }

  private static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) return v;
    }
  }
}
