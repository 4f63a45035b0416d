package dev.bursar.sidecar.serve;

import dev.bursar.controller.Backend;

/**
 * The scripted model as the sidecar's backend, for tests that set {@code bursar.test.scripted-white-box=true}:
 * a plain bean, because a mock bean would be a proxy that hides that it is white-box.
 */
@io.micronaut.context.annotation.Factory
@io.micronaut.context.annotation.Requires(property = ScriptedWhiteBox.PROPERTY, value = "true")
final class ScriptedWhiteBox {
  static final String PROPERTY = "bursar.test.scripted-white-box";

  @jakarta.inject.Singleton
  @io.micronaut.context.annotation.Replaces(bean = Backend.class, factory = SidecarFactory.class)
  Backend backend() {
    return ScriptedModel.backend();
  }
}
