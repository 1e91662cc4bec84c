// engineering-api console: small progressive enhancements; every page works without this file.
"use strict";

// The program tree's search box filters as you type (the form still submits ?q= without script).
function filterTree(input) {
  const root = document.querySelector(input.dataset.filter);
  if (!root) return;
  const wanted = input.value.trim().toLowerCase();
  for (const item of root.querySelectorAll("li[data-name]")) {
    item.classList.toggle("hidden", wanted !== "" && !item.dataset.name.includes(wanted));
  }
  for (const folder of root.querySelectorAll("li[data-folder]")) {
    const shown = folder.querySelector("li[data-name]:not(.hidden)");
    folder.classList.toggle("hidden", wanted !== "" && !shown);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-filter]")) {
    input.addEventListener("input", () => filterTree(input));
    if (input.value) filterTree(input);
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
});
