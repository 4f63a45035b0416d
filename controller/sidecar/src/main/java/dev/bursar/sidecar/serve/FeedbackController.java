package dev.bursar.sidecar.serve;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/bursar/feedback}: attaches a gold answer ({@code "gold"}) or a verdict on the
 * answer given ({@code "correct": true|false}) to a request by the id it was answered with
 * ({@code "id": "chatcmpl-..."}). Kept beside the trace log, where {@code bursar tune --traces}
 * and {@code bursar report} read it; without a trace log there is nothing to attach it to (409).
 */
@Controller
final class FeedbackController {
  private final SidecarFactory.SidecarTraceSink sink;
  private final JsonMapper json;

  FeedbackController(SidecarFactory.SidecarTraceSink sink, JsonMapper json) {
    this.sink = sink;
    this.json = json;
  }

  @Post(uri = "/v1/bursar/feedback", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  HttpResponse<Map<String, Object>> feedback(@Body String body) {
    RequestJson.check(body, "{\"id\":\"chatcmpl-...\",\"gold\":\"92\"}");
    JsonNode root;
    try {
      root = json.readValue(body, JsonNode.class);
    } catch (IOException e) {
      throw ApiException.invalid(null, "invalid_json", "the body is not JSON: " + e.getMessage());
    }
    JsonNode id = root.get("id");
    if (id == null || !id.isString() || id.getStringValue().isBlank()) {
      throw invalid("\"id\" must be the id of a response (\"chatcmpl-...\")");
    }
    JsonNode gold = root.get("gold");
    JsonNode correct = root.get("correct");
    if (gold != null && !gold.isNull() && !gold.isString() && !gold.isNumber()) {
      throw invalid("\"gold\" must be the right answer, as a string or a number");
    }
    if (correct != null && !correct.isNull() && !correct.isBoolean()) throw invalid("\"correct\" must be true or false");
    String goldText = gold == null || gold.isNull() ? null : gold.isString() ? gold.getStringValue() : gold.getNumberValue().toString();
    Boolean verdict = correct == null || correct.isNull() ? null : correct.getBooleanValue();
    if (goldText == null && verdict == null) throw invalid("give \"gold\" (the right answer) or \"correct\" (true or false)");
    if (sink.log() == null) {
      throw ApiException.of(HttpStatus.CONFLICT, "invalid_request_error", "no_trace_log",
          "feedback is kept beside the trace log: start the sidecar with --trace-log FILE");
    }
    sink.log().feedback(id.getStringValue(), goldText, verdict);
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("id", id.getStringValue());
    ok.put("recorded", true);
    return HttpResponse.ok(ok);
  }

  private static ApiException invalid(String message) {
    return ApiException.invalid(null, "invalid_value", message);
  }
}
