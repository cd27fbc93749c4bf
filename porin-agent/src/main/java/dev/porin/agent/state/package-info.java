// SPDX-License-Identifier: Apache-2.0
/** The agent's state directory: what must survive a restart, written so that a crash never leaves half a file. */
package dev.porin.agent.state;
