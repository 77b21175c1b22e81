// The page around the app (backtrack serve): the buttons that start a new session.
// textual.js (loaded before this) connects the terminal to the server on window load.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-restart]")) {
    button.addEventListener("click", () => {
      window.location.href = window.location.pathname;
    });
  }
});
