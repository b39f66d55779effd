/** Loads the page again from the server: the current index.html and the chunks it names. */
export function reloadPage(): void {
  window.location.reload();
}
