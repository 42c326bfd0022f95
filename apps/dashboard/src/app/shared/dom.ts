/** The current value of the input or select that raised an event (for `(input)` / `(change)` bindings). */
export function eventValue(event: Event): string {
  return (event.target as HTMLInputElement | HTMLSelectElement | null)?.value ?? '';
}

/** The file chosen in a file input, if any. */
export function eventFile(event: Event): File | null {
  return (event.target as HTMLInputElement | null)?.files?.item(0) ?? null;
}
