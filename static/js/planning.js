// Planning : le menu d'une case (clic, clic droit, appui long, clavier) et l'indice de défilement.
(function () {
  var zone = document.querySelector(".planning-defilement");
  if (!zone) return;

  // Sur un petit écran, la grille défile jusqu'au jour d'aujourd'hui, et on le dit.
  var indice = document.getElementById("planning-indice");
  function indiquerDefilement() {
    if (indice) indice.hidden = zone.scrollWidth <= zone.clientWidth + 1;
  }
  indiquerDefilement();
  window.addEventListener("resize", indiquerDefilement);
  var aujourdhui = zone.querySelector(".entete-aujourdhui");
  if (aujourdhui && zone.scrollWidth > zone.clientWidth) {
    var premiere = zone.querySelector(".planning-activite");
    zone.scrollLeft = Math.max(0, aujourdhui.offsetLeft - premiere.offsetWidth - 8);
  }

  // Le menu d'une case : « Demande de réservation » et « Déclarer une absence » ; le choix
  // qui ne vaut pas pour ce jour est grisé et dit pourquoi. Sans script, le lien de la
  // case mène directement à la page.
  var menu = document.createElement("div");
  menu.className = "planning-menu";
  menu.setAttribute("role", "menu");
  menu.hidden = true;
  document.body.appendChild(menu);
  var origine = null;

  function element(libelle, adresse, raison) {
    var item = document.createElement("a");
    item.className = "planning-menu-choix";
    item.setAttribute("role", "menuitem");
    item.textContent = libelle;
    if (adresse) {
      item.href = adresse;
    } else {
      item.setAttribute("aria-disabled", "true");
      item.tabIndex = -1;
      var pourquoi = document.createElement("span");
      pourquoi.className = "planning-menu-raison";
      pourquoi.textContent = " — " + raison;
      item.appendChild(pourquoi);
    }
    return item;
  }

  function choix() {
    return Array.prototype.slice.call(menu.querySelectorAll('a[href]'));
  }

  function fermer(rendreLeFocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    if (origine) {
      origine.setAttribute("aria-expanded", "false");
      if (rendreLeFocus) origine.focus();
    }
    origine = null;
  }

  function ouvrir(lien) {
    fermer(false);
    origine = lien;
    var reserver = lien.dataset.menu === "reserver";
    menu.replaceChildren(
      element("Demande de réservation", reserver ? lien.href : "", "ce jour est déjà réservé"),
      element("Déclarer une absence", reserver ? "" : lien.href, "aucune réservation ce jour")
    );
    menu.setAttribute("aria-label", lien.getAttribute("aria-label") || "");
    lien.setAttribute("aria-expanded", "true");
    menu.hidden = false;
    var cadre = lien.getBoundingClientRect();
    var gauche = Math.min(
      cadre.left + window.scrollX,
      window.scrollX + document.documentElement.clientWidth - menu.offsetWidth - 4
    );
    menu.style.left = Math.max(window.scrollX + 4, gauche) + "px";
    menu.style.top = cadre.bottom + window.scrollY + 2 + "px";
    choix()[0].focus();
  }

  zone.addEventListener("click", function (evenement) {
    var lien = evenement.target.closest("a[data-menu]");
    if (!lien) return;
    evenement.preventDefault();
    if (origine === lien) fermer(true);
    else ouvrir(lien);
  });
  // Clic droit, appui long (navigateurs des téléphones) et touche « menu » du clavier.
  zone.addEventListener("contextmenu", function (evenement) {
    var lien = evenement.target.closest("a[data-menu]");
    if (!lien) return;
    evenement.preventDefault();
    ouvrir(lien);
  });
  menu.addEventListener("keydown", function (evenement) {
    var liste = choix();
    var position = liste.indexOf(document.activeElement);
    if (evenement.key === "Escape") {
      evenement.preventDefault();
      fermer(true);
    } else if (evenement.key === "ArrowDown" || evenement.key === "ArrowUp") {
      evenement.preventDefault();
      var pas = evenement.key === "ArrowDown" ? 1 : -1;
      liste[(position + pas + liste.length) % liste.length].focus();
    } else if (evenement.key === "Tab") {
      fermer(true);
    }
  });
  // La grille qui défile ou la fenêtre qui change de taille : le menu ne suit pas, il se ferme.
  zone.addEventListener("scroll", function () {
    fermer(false);
  });
  window.addEventListener("resize", function () {
    fermer(false);
  });
  document.addEventListener("click", function (evenement) {
    if (!menu.hidden && !menu.contains(evenement.target) && !zone.contains(evenement.target)) {
      fermer(false);
    }
  });
})();
