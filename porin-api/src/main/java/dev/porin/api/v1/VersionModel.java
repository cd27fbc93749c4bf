// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

/** The agent's version and the platform it runs on. */
public record VersionModel(String version, String java, String kernel) {
}
