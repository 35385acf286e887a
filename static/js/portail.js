// Tableaux « table-cartes » : chaque cellule reçoit l'intitulé de sa colonne (data-label),
// que la feuille de style affiche devant la valeur quand les lignes deviennent des cartes
// sur petit écran.
document.querySelectorAll("table.table-cartes").forEach(function (table) {
  var intitules = Array.prototype.map.call(
    table.querySelectorAll("thead th"),
    function (th) { return th.textContent.trim(); }
  );
  table.querySelectorAll("tbody tr, tfoot tr").forEach(function (ligne) {
    var colonne = 0;
    Array.prototype.forEach.call(ligne.children, function (cellule) {
      // Une cellule sur plusieurs colonnes (« Total », « Ancien solde ») garde son seul texte.
      if (!cellule.hasAttribute("data-label") && cellule.colSpan === 1 && intitules[colonne]) {
        cellule.setAttribute("data-label", intitules[colonne]);
      }
      colonne += cellule.colSpan || 1;
    });
  });
});
