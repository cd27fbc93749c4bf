// SPDX-License-Identifier: Apache-2.0
/** Support for the privileged integration tests: root check, iproute2 checks, throwaway namespaces and links. */
package dev.porin.datapath.testing;
