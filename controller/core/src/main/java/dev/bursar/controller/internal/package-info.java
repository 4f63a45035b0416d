/**
 * Implementation details of the controller core. Not API: anything here may change without notice.
 */
@NullMarked
package dev.bursar.controller.internal;

import org.jspecify.annotations.NullMarked;
