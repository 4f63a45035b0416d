/** The {@code bursar} command line: one entry point that assembles the commands each module owns. */
@NullMarked
package dev.bursar.cli;

import org.jspecify.annotations.NullMarked;
