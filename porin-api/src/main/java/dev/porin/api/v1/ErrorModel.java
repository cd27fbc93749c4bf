// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

/** What the API answers when a request fails: a message a person can act on. */
public record ErrorModel(String error) {
}
