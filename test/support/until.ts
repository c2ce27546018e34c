/**
 * Resolves once `condition` holds, checking every `intervalMs`. It has no deadline of its own: the
 * test's timeout ends a wait that never comes true, so a slow machine only makes the test slower.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  intervalMs = 5,
): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
