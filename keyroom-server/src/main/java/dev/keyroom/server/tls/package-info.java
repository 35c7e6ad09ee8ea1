/** TLS material: the self-signed certificate made at init, its key file and its SPKI pin. */
package dev.keyroom.server.tls;
