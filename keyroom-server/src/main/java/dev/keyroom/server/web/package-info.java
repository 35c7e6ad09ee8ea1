/**
 * HTTP plumbing every listener of a node shares, the control plane's, the data plane's upgrade and
 * the replication listener's alike: {@link dev.keyroom.server.web.RequestIds}, {@link
 * dev.keyroom.server.web.ClientAddresses} behind trusted proxies, {@link
 * dev.keyroom.server.web.ErrorResponses}, the one mapping of error codes to statuses and the JSON
 * error body, and {@link dev.keyroom.server.web.RequestOutcomes}, the count of answers by outcome. Imports Jetty, {@code core.error}, {@code protocol}, {@code protocol.dto} and {@code
 * server.config}; no other {@code server} package.
 */
package dev.keyroom.server.web;
