// SPDX-License-Identifier: Apache-2.0
/** Plain-text output: aligned tables and human durations, the way cilium prints them. */
package dev.porin.cli.format;
