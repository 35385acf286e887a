// Paiement en ligne : le montant du règlement suit les factures cochées.
(function () {
  const cases = document.querySelectorAll(".paiement-case");
  const total = document.getElementById("total-paiement");
  function maj() {
    let centimes = 0;
    cases.forEach(function (c) { if (c.checked) { centimes += Math.round(parseFloat(c.dataset.reste) * 100); } });
    const euros = Math.floor(centimes / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, " ");
    total.textContent = euros + "," + String(centimes % 100).padStart(2, "0") + " €";
  }
  cases.forEach(function (c) { c.addEventListener("change", maj); });
})();
