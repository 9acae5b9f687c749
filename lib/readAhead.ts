/**
 * The items of `source`, each one asked for as soon as the previous one was
 * handed out: the next batch of a file is read and parsed while the caller
 * writes the current one to the database (D5, P9), so CPU and database work
 * overlap instead of taking turns. At most one item is held ahead. An error
 * of the source reaches the caller when it asks for that item.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  // Read ahead while the caller is busy: a failure is kept for the caller's next step, never an unhandled rejection.
  next.catch(() => undefined);
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    // The caller stopped early (an error, a cancelled activity): the source closes once its pending step is over.
    await next.then(
      () => iterator.return?.(),
      () => undefined,
    );
  }
}
