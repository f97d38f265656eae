/* The scoring grid (templates/prioritisation/scoring.html), keyboard first, like a spreadsheet:
   - Tab and Shift+Tab move between the cells (the browser does it);
   - leaving a changed cell saves it (htmx posts the cell on "change");
   - Enter saves the cell and moves down to the same criterion of the next row, Shift+Enter up;
   - a focused cell has its content selected, so typing replaces the score.
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

  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (event.key !== "Enter" || !input.matches("input.score-value")) {
      return;
    }
    event.preventDefault(); // never submit the whole grid from a cell
    const column = sameColumn(input);
    const next = column[column.indexOf(input) + (event.shiftKey ? -1 : 1)];
    input.blur(); // fires "change" when the value changed: htmx saves the cell
    (next || input).focus();
  });

  form.addEventListener("focusin", function (event) {
    if (event.target.matches("input.score-value")) {
      event.target.select();
    }
  });
})();
