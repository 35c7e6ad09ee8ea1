/**
 * HTTP plumbing every listener of a node shares, the control plane's, the data plane's upgrade and
 * the replication listener's alike: request ids, client addresses behind trusted proxies, and the
 * JSON error body. Imports Jetty and the core's error codes, nothing of the node's other packages.
 */
package dev.keyroom.server.web;
