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

// A running job's page follows its progress over SSE and reloads once the job has ended (to show the result).
document.addEventListener("DOMContentLoaded", () => {
  const job = document.querySelector("#job[data-events]");
  if (!job || !job.dataset.events) return;
  const source = new EventSource(job.dataset.events);
  source.addEventListener("job", (event) => {
    const state = JSON.parse(event.data);
    document.getElementById("job-status").textContent = state.status;
    document.getElementById("job-message").textContent = state.message;
    document.getElementById("job-progress").value = state.progress;
    if (state.terminal) { source.close(); window.location.reload(); }
  });
  source.onerror = () => source.close();
});

// Monitoring: values pushed over SSE are shown at the end of SCL lines and beside LAD/FBD operands; wires, contacts,
// coils and boxes with a known signal state are drawn as TIA does (TRUE green solid, FALSE blue dashed), and so is
// a TRUE or FALSE value.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("#monitor[data-events]");
  if (!panel) return;
  const status = document.getElementById("monitor-status");
  const source = new EventSource(panel.dataset.events);
  source.addEventListener("values", (event) => {
    const data = JSON.parse(event.data);
    if (data.error) { status.textContent = data.error; return; }
    status.textContent = "live · " + Object.keys(data.operands).length + " value(s)";
    for (const [id, text] of Object.entries(data.lines)) {
      const value = document.querySelector("#" + CSS.escape(id) + " .value");
      if (!value) continue;
      value.textContent = text;
      value.hidden = text === "";
    }
    for (const element of document.querySelectorAll("svg [data-operand]")) {
      const shown = data.operands[element.dataset.operand];
      if (shown === undefined) continue;
      let label = element.querySelector(".value");
      const anchor = element.querySelector("text");
      const texts = element.querySelectorAll("text.operand");
      if (!label && anchor && element.classList.contains("operand") && texts.length) {
        // beside a box pin: the value follows the operand on its last line (rows are one line apart)
        const last = texts[texts.length - 1];
        label = document.createElementNS("http://www.w3.org/2000/svg", "tspan");
        label.setAttribute("class", "value");
        last.append(" ", label);
      }
      if (!label && anchor) {
        label = document.createElementNS("http://www.w3.org/2000/svg", "text");
        label.setAttribute("class", "value");
        label.setAttribute("x", anchor.getAttribute("x"));
        label.setAttribute("y", String(Number(anchor.getAttribute("y")) + Number(element.dataset.valueDy || 12)));
        element.appendChild(label);
      }
      if (label) {
        label.textContent = shown;
        label.classList.toggle("true", shown === "TRUE");
        label.classList.toggle("false", shown === "FALSE");
      }
    }
    for (const [network, parts] of Object.entries(data.parts || {})) {
      const svg = document.querySelector("#network-" + network + " svg");
      if (!svg) continue;
      for (const part of svg.querySelectorAll("g.part[data-part]")) {
        const state = parts[part.dataset.part];
        part.classList.toggle("on", state === true);
        part.classList.toggle("off", state === false);
      }
    }
    for (const [network, wires] of Object.entries(data.wires)) {
      const svg = document.querySelector("#network-" + network + " svg");
      if (!svg) continue;
      for (const wire of svg.querySelectorAll("g.wire")) {
        const state = wires[wire.dataset.wire];
        wire.classList.toggle("on", state === true);
        wire.classList.toggle("off", state === false);
      }
    }
  });
  source.onerror = () => { status.textContent = "disconnected"; };
});

// A diff lists its changed networks; each one is drawn when it is opened (the page itself draws nothing).
document.addEventListener("DOMContentLoaded", () => {
  for (const details of document.querySelectorAll("details[data-src]")) {
    details.addEventListener("toggle", async () => {
      if (!details.open || details.dataset.loaded) return;
      details.dataset.loaded = "loading";
      const holder = details.querySelector("p") || details;
      try {
        const answer = await fetch(details.dataset.src, { credentials: "same-origin" });
        if (!answer.ok) throw new Error(String(answer.status));
        const drawn = document.createElement("div");
        drawn.className = "drawn";
        drawn.innerHTML = await answer.text();  // the console's own escaped template
        holder.replaceWith(drawn);
        details.dataset.loaded = "yes";
      } catch (error) {
        holder.append(" (could not be loaded: " + error.message + ")");
        delete details.dataset.loaded;
      }
    });
  }
});
