/* The scoring grid (templates/prioritisation/scoring.html), keyboard first, like a spreadsheet:
   - Tab and Shift+Tab move between the cells (the browser does it);
   - leaving a changed cell saves it (htmx posts the cell on "change");
   - Enter saves the cell and moves down to the same criterion of the next row, Shift+Enter up,
     once the server has accepted the value: a refused value keeps the focus, its error read out;
   - a focused cell has its content selected, so typing replaces the score;
   - a large grid shows a page of rows at a time: Enter on the last loaded row loads the next
     page ("Lignes suivantes", htmx) and moves down into it.
   Without this script the grid is a plain form saved by its button (and by Enter). */
(function () {
  "use strict";

  const form = document.querySelector(".score-grid-form");
  if (!form) {
    return;
  }
  // Cells save themselves: the button for the whole grid is only needed without JavaScript.
  form.classList.add("saves-per-cell");

  function sameColumn(input) {
    return Array.from(
      form.querySelectorAll('input.score-value[data-column="' + input.dataset.column + '"]')
    );
  }

  // After Enter on a changed cell, where to go once the server has answered: the cell's field
  // name, and the step in its column (+1 down, -1 up).
  let pending = null;

  // After Enter on the last loaded row of a page: the cell to move down from once the next
  // page's rows are in.
  let awaitingRows = null;

  function move(input, step) {
    const column = sameColumn(input);
    const next = column[column.indexOf(input) + step];
    if (next) {
      next.focus();
      return;
    }
    input.focus();
    const more = step > 0 && form.querySelector("tr.more a[hx-get]");
    if (more) {
      awaitingRows = input.id;
      more.click(); // htmx appends the next page's rows in place of its link
    }
  }

  // The next page's rows are in: go down to the same criterion of its first row.
  function moveIntoNewRows() {
    const input = awaitingRows && document.getElementById(awaitingRows);
    if (!input) {
      awaitingRows = null;
      return;
    }
    const column = sameColumn(input);
    const next = column[column.indexOf(input) + 1];
    if (next) {
      awaitingRows = null;
      next.focus();
    }
  }

  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (event.key !== "Enter" || !input.matches("input.score-value")) {
      return;
    }
    event.preventDefault(); // never submit the whole grid from a cell
    const step = event.shiftKey ? -1 : 1;
    if (input.value === input.defaultValue) {
      if (input.getAttribute("aria-invalid") !== "true") {
        move(input, step); // nothing to save; a value still refused keeps the focus
      }
      return;
    }
    // htmx saves the cell on "change"; focus stays until the answer: a refused value keeps it.
    pending = { id: input.id, step: step };
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // The saved or refused cell is back (htmx swapped it): move on, or stay on a refused value
  // (its error is announced: role="alert", and read again with the cell, aria-describedby).
  document.body.addEventListener("htmx:afterSettle", function () {
    if (awaitingRows) {
      moveIntoNewRows();
    }
    if (!pending) {
      return;
    }
    const input = document.getElementById(pending.id);
    const step = pending.step;
    pending = null;
    if (!input) {
      return;
    }
    if (input.getAttribute("aria-invalid") === "true") {
      input.focus();
    } else {
      move(input, step);
    }
  });

  // No answer (network, server error): stay on the cell.
  function stay() {
    const input = pending && document.getElementById(pending.id);
    pending = null;
    awaitingRows = null;
    if (input) {
      input.focus();
    }
  }
  document.body.addEventListener("htmx:responseError", stay);
  document.body.addEventListener("htmx:sendError", stay);

  form.addEventListener("focusin", function (event) {
    if (event.target.matches("input.score-value")) {
      event.target.select();
    }
  });
})();
