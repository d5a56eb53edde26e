// Stands in for a page's framework: counts the input/change events each field receives, the
// way React or Vue learn that a value changed.
document.addEventListener("input", (e) => {
  e.target.dataset.inputEvents = String(Number(e.target.dataset.inputEvents || 0) + 1);
}, true);
document.addEventListener("change", (e) => {
  e.target.dataset.changeEvents = String(Number(e.target.dataset.changeEvents || 0) + 1);
}, true);
