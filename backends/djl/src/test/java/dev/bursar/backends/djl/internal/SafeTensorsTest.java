package dev.bursar.backends.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SafeTensorsTest {
  @TempDir Path dir;

  @Test
  void write_thenRead_roundTripsNamesShapesAndValues() {
    Map<String, SafeTensors.FloatTensor> t = new LinkedHashMap<>();
    t.put("b.weight", new SafeTensors.FloatTensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, 1e30f, -0f}));
    t.put("a.bias", new SafeTensors.FloatTensor(new long[] {1}, new float[] {42}));
    Path f = dir.resolve("m.safetensors");
    SafeTensors.write(f, t);
    try (SafeTensors st = SafeTensors.open(f)) {
      assertThat(st.names()).containsExactly("a.bias", "b.weight");
      assertThat(st.shape("b.weight")).containsExactly(2, 3);
      assertThat(st.read("b.weight", 2, 3)).containsExactly(1, -2, 3.5f, Float.MIN_VALUE, 1e30f, -0f);
      assertThat(st.read("a.bias", 1)).containsExactly(42);
    }
  }

  @Test
  void read_missingTensor_namesIt() {
    Path f = dir.resolve("m.safetensors");
    SafeTensors.write(f, Map.of("x", new SafeTensors.FloatTensor(new long[] {1}, new float[] {1})));
    try (SafeTensors st = SafeTensors.open(f)) {
      assertThatThrownBy(() -> st.read("model.norm.weight", 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("missing tensor model.norm.weight");
    }
  }

  @Test
  void read_shapeMismatch_namesTensorAndBothShapes() {
    Path f = dir.resolve("m.safetensors");
    SafeTensors.write(f, Map.of("w", new SafeTensors.FloatTensor(new long[] {2, 2}, new float[4])));
    try (SafeTensors st = SafeTensors.open(f)) {
      assertThatThrownBy(() -> st.read("w", 4, 1))
          .hasMessageContaining("tensor w has shape [2, 2], expected [4, 1]");
    }
  }

  @Test
  void read_bf16AndF16_widenToFloat() throws IOException {
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}";
    byte[] hb = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + hb.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(hb.length).put(hb);
    buf.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.25f));
    buf.putShort((short) (Float.floatToIntBits(3.0f) >>> 16)).putShort((short) (Float.floatToIntBits(-2.5f) >>> 16));
    Path f = dir.resolve("half.safetensors");
    Files.write(f, buf.array());
    try (SafeTensors st = SafeTensors.open(f)) {
      assertThat(st.read("h", 2)).containsExactly(1.5f, -0.25f);
      assertThat(st.read("b", 2)).containsExactly(3.0f, -2.5f);
    }
  }

  @Test
  void open_truncatedFile_failsClearly() throws IOException {
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
    assertThatThrownBy(() -> SafeTensors.open(f)).hasMessageContaining("not a safetensors file");
  }

  @Test
  void writeBf16_roundsToNearestEven_andReadsBack() {
    float[] v = {1.0f, 1.00390625f, 1.01171875f, -3.3f, 0f};
    Path f = dir.resolve("bf16.safetensors");
    SafeTensors.write(f, Map.of("w", new SafeTensors.FloatTensor(new long[] {5}, v)), "BF16");
    try (SafeTensors st = SafeTensors.open(f)) {
      // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1); 1 + 3*2^-8 goes up to 1 + 2^-6
      assertThat(st.read("w", 5)).containsExactly(1.0f, 1.0f, 1.015625f, SafeTensors.roundToBf16(-3.3f), 0f);
    }
    assertThat(SafeTensors.roundToBf16(-3.3f)).isEqualTo(-3.296875f);
  }

  @Test
  void sharded_readsEachTensorFromTheShardTheIndexNames() throws IOException {
    Map<String, SafeTensors.FloatTensor> a = Map.of("a", new SafeTensors.FloatTensor(new long[] {2}, new float[] {1, 2}));
    Map<String, SafeTensors.FloatTensor> b = Map.of("b", new SafeTensors.FloatTensor(new long[] {1}, new float[] {3}));
    SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), a, "F16");
    SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), b, "BF16");
    Files.writeString(dir.resolve(ShardedSafeTensors.INDEX), """
        {"metadata": {"total_size": 6}, "weight_map": {"a": "model-00001-of-00002.safetensors",
         "b": "model-00002-of-00002.safetensors"}}""");
    try (ShardedSafeTensors st = ShardedSafeTensors.open(dir)) {
      assertThat(st.read("a", 2)).containsExactly(1, 2);
      assertThat(st.read("b", 1)).containsExactly(3);
      assertThatThrownBy(() -> st.read("c", 1)).hasMessageContaining("missing tensor c");
    }
    Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
    assertThatThrownBy(() -> ShardedSafeTensors.open(dir)).hasMessageContaining("names shard model-00002-of-00002.safetensors, which is missing");
  }
}
