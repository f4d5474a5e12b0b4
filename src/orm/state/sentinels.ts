/**
 * Markers stored in an instance's value slots. They are unique frozen objects, so a slot test
 * is one identity comparison and can never collide with a value a user stores.
 */

/** The attribute's value was expired: it must be loaded again before it can be read. */
export const EXPIRED: object = Object.freeze({ toString: () => '<expired>' });

/** No old value was recorded for this attribute since it was last loaded or flushed. */
export const NO_VALUE: object = Object.freeze({ toString: () => '<no value>' });
