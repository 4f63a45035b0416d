package dev.bursar.backends.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bursar.controller.Sampling;

/**
 * {@link TokenSampler}'s rule computed where the logits are (the GPU, or libtorch's vectorised CPU
 * kernels), so a decoding step copies to the host only what it keeps: per row the token, its
 * log-probability, the entropy and the top-k ids and log-probabilities, instead of the whole
 * vocabulary's logits. The uniform numbers come from each row's own {@link TokenSampler} stream,
 * so a sequence's tokens still depend only on (seed, sequence), and they equal the host sampler's
 * except where a draw falls within float rounding of a boundary between two tokens (the host sums
 * in double precision, the device in float).
 */
final class DeviceSampler {

  private DeviceSampler() {}

  /**
   * The picks of every row of {@code logits} ({@code [rows, vocab]}, on the model's device);
   * {@code samplers[r]} is row r's sequence's sampler (its random stream, its top-k width).
   */
  static TokenSampler.Pick[] next(NDArray logits, TokenSampler[] samplers, Sampling sampling, int topK) {
    NDManager m = logits.getManager();
    int rows = (int) logits.getShape().get(0);
    int vocab = (int) logits.getShape().get(1);
    NDArray logp = logits.logSoftmax(-1);
    NDArray entropy = logp.exp().mul(logp).sum(new int[] {-1}).neg();
    NDArray tokens = sampling.temperature() == 0 ? logits.argMax(-1) : draw(m, logits, samplers, sampling, vocab);
    NDArray tokenLogp = logp.gather(tokens.expandDims(-1), -1).squeeze(-1);
    int k = Math.min(topK, vocab);
    long[] ids = tokens.toLongArray();
    float[] lp = tokenLogp.toFloatArray();
    float[] ent = entropy.toFloatArray();
    float[] topValues = new float[0];
    long[] topIds = new long[0];
    if (k > 0) {
      NDList top = logp.topK(k, -1, true, true);
      topValues = top.get(0).toFloatArray();
      topIds = top.get(1).toType(DataType.INT64, false).toLongArray();
    }
    TokenSampler.Pick[] picks = new TokenSampler.Pick[rows];
    for (int r = 0; r < rows; r++) {
      int[] ti = new int[k];
      double[] tl = new double[k];
      double sum = 0;
      for (int j = 0; j < k; j++) {
        ti[j] = (int) topIds[r * k + j];
        tl[j] = topValues[r * k + j];
        sum += tl[j];
      }
      double confidence = k > 0 ? -sum / k : Double.NaN;
      picks[r] = new TokenSampler.Pick((int) ids[r], lp[r], confidence, ent[r], ti, tl);
    }
    return picks;
  }

  /**
   * Inverse-CDF draws: the weights {@code exp((logit - max) / T)} in id order, or with top-k/top-p
   * in descending order truncated as the host sampler truncates them; row r's token is the first
   * whose cumulative weight exceeds {@code u_r} times the total.
   */
  private static NDArray draw(NDManager m, NDArray logits, TokenSampler[] samplers, Sampling s, int vocab) {
    int rows = samplers.length;
    NDArray scaled = logits.div((float) s.temperature());
    boolean truncate = (s.topK() > 0 && s.topK() < vocab) || s.topP() < 1;
    NDArray order = truncate ? scaled.argSort(-1, false) : null;
    NDArray ordered = truncate ? scaled.gather(order, -1) : scaled;
    NDArray w = ordered.sub(ordered.max(new int[] {-1}, true)).exp();
    if (s.topK() > 0 && s.topK() < vocab) {
      NDArray inTop = m.arange(0, vocab).lt(s.topK()).toType(DataType.FLOAT32, false);
      w = w.mul(inTop);
    }
    if (s.topP() < 1) {
      // keep the smallest prefix whose mass reaches top-p: every token whose mass before it is below top-p
      NDArray total = w.sum(new int[] {-1}, true);
      NDArray before = w.cumSum(-1).sub(w).div(total);
      w = w.mul(before.lt((float) s.topP()).toType(DataType.FLOAT32, false));
    }
    NDArray cumulative = w.cumSum(-1);
    float[] u = new float[rows];
    for (int r = 0; r < rows; r++) u[r] = (float) samplers[r].uniform();
    NDArray threshold = m.create(u, new Shape(rows, 1)).mul(cumulative.get(":, -1:"));
    NDArray kept = w.gt(0f).toType(DataType.INT64, false).sum(new int[] {-1});
    NDArray position = cumulative.lte(threshold).toType(DataType.INT64, false).sum(new int[] {-1})
        .minimum(kept.sub(1));
    return truncate ? order.gather(position.expandDims(-1), -1).squeeze(-1) : position;
  }
}
