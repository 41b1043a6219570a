// Buttons marked data-print open the browser's print dialog (slips of activation codes).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
