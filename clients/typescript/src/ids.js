// Ids on the wire: room ids and endpoint ids are 32 lowercase hex characters.
const ID = /^[0-9a-f]{32}$/;

/** Checks a room id or endpoint id and returns it. */
export function checkId(value, what) {
  if (typeof value !== 'string' || !ID.test(value)) throw new TypeError(`${what} is not 32 lowercase hex characters`);
  return value;
}
