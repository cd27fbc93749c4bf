// SPDX-License-Identifier: Apache-2.0
/** In-memory stand-ins for the kernel (maps, pod plumbing) so that agent logic is tested without root. */
package dev.porin.testing;
