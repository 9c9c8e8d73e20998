// Drag-and-drop reordering (the Up and Down buttons do the same without it), quoting by
// selecting words in the article text, and scrolling the highlighted sentence into view.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("articles");
  if (list) {
    let dragged = null;
    list.addEventListener("dragstart", (event) => {
      dragged = event.target.closest("li.article");
      if (dragged) dragged.classList.add("dragging");
    });
    list.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault();
      const over = event.target.closest("li.article");
      if (over && over !== dragged) {
        const box = over.getBoundingClientRect();
        list.insertBefore(dragged, event.clientY < box.top + box.height / 2 ? over : over.nextSibling);
      }
    });
    list.addEventListener("drop", (event) => {
      event.preventDefault();
      if (!dragged) return;
      dragged.classList.remove("dragging");
      dragged = null;
      const order = [...list.querySelectorAll("li.article")].map((li) => li.dataset.sha).join(",");
      const form = document.createElement("form");
      form.method = "post";
      form.action = list.dataset.orderAction;
      for (const [name, value] of [["order", order], ["version", list.dataset.version]]) {
        const input = document.createElement("input");
        input.type = "hidden"; input.name = name; input.value = value;
        form.appendChild(input);
      }
      document.body.appendChild(form);
      form.submit();
    });
  }
  const use = document.getElementById("use-selection");
  const body = document.getElementById("article-body");
  if (use && body) {
    let last = "";
    document.addEventListener("selectionchange", () => {
      const selection = window.getSelection();
      if (selection && selection.rangeCount && body.contains(selection.anchorNode) && selection.toString().trim()) {
        last = selection.toString();
      }
    });
    use.addEventListener("click", () => {
      document.getElementById("quote-text").value = last.trim();
      document.getElementById("quote-speaker").focus();
    });
  }
  const focus = document.getElementById("focus");
  if (focus) focus.scrollIntoView({ block: "center" });
});
