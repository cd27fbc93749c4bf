// SPDX-License-Identifier: Apache-2.0
/** The agent's REST API as Java records, and the one JSON mapper every side uses to read and write them. */
package dev.porin.api;
