<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AlertsTab</name>
    <message>
        <source>not recognised</source>
        <translation>nicht erkannt</translation>
    </message>
    <message>
        <source>asked for help</source>
        <translation>bittet um Hilfe</translation>
    </message>
    <message>
        <source>interested in</source>
        <translation>interessiert sich für</translation>
    </message>
    <message>
        <source>No alerts. Shoppers&apos; taps on “I&apos;m interested” and “Call staff” appear here.</source>
        <translation>Keine Meldungen. Wenn Kundinnen und Kunden „Interessiert mich“ oder „Personal rufen“ antippen, erscheint es hier.</translation>
    </message>
    <message>
        <source>Alerts since the kiosk started: {count}</source>
        <translation>Meldungen seit dem Start des Kiosks: {count}</translation>
    </message>
    <message>
        <source>time</source>
        <translation>Uhrzeit</translation>
    </message>
    <message>
        <source>request</source>
        <translation>Anliegen</translation>
    </message>
    <message>
        <source>product</source>
        <translation>Produkt</translation>
    </message>
    <message>
        <source>shopper</source>
        <translation>Kunde/Kundin</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <source>A name is shown only for an enrolled shopper the kiosk recognised as a live person. Switch on a sound for new alerts in Settings.</source>
        <translation>Ein Name erscheint nur bei registrierten Personen, die der Kiosk als lebende Person erkannt hat. Einen Ton für neue Meldungen schalten Sie in den Einstellungen ein.</translation>
    </message>
</context>
<context>
    <name>AnalyticsTab</name>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Mood: how shoppers&apos; faces looked (positive, neutral, negative) while suggestions were on screen, read from their expressions. “Learns from taps” (a contextual bandit) shows more of what shoppers tap; “rules” and “popularity” are fixed ways of picking.</source>
        <translation>Stimmung: wie die Gesichter der Kundschaft wirkten (positiv, neutral, negativ), während Vorschläge angezeigt wurden, gelesen aus dem Gesichtsausdruck. „Lernt aus Antippen“ (ein kontextueller Bandit) zeigt mehr von dem, was angetippt wird; „Regeln“ und „Beliebtheit“ wählen nach festen Regeln.</translation>
    </message>
    <message>
        <source>{total} visits · {known} enrolled · {unknown} others</source>
        <translation>{total} Besuche · {known} registriert · {unknown} andere</translation>
    </message>
    <message>
        <source>Visits per hour of day</source>
        <translation>Besuche pro Tagesstunde</translation>
    </message>
    <message>
        <source>Enrolled vs other visitors</source>
        <translation>Registrierte und andere Besucher</translation>
    </message>
    <message>
        <source>Shoppers&apos; mood while suggestions were shown</source>
        <translation>Stimmung der Kundschaft während der Vorschläge</translation>
    </message>
    <message>
        <source>Suggestions shown and tapped, by how they were picked</source>
        <translation>Gezeigte und angetippte Vorschläge, nach Auswahlverfahren</translation>
    </message>
    <message>
        <source>enrolled</source>
        <translation>registriert</translation>
    </message>
    <message>
        <source>others</source>
        <translation>andere</translation>
    </message>
    <message>
        <source>shown</source>
        <translation>gezeigt</translation>
    </message>
    <message>
        <source>tapped</source>
        <translation>angetippt</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(noch keine)</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>positiv</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>neutral</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>negativ</translation>
    </message>
    <message>
        <source>not read</source>
        <translation>nicht gelesen</translation>
    </message>
    <message>
        <source>learns from taps</source>
        <translation>lernt aus Antippen</translation>
    </message>
    <message>
        <source>rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <source>popularity</source>
        <translation>Beliebtheit</translation>
    </message>
    <message>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
</context>
<context>
    <name>AttractPage</name>
    <message>
        <source>Step closer for picks made for you</source>
        <translation>Treten Sie näher – wir haben etwas für Sie</translation>
    </message>
    <message>
        <source>Find it: {place}</source>
        <translation>Zu finden: {place}</translation>
    </message>
</context>
<context>
    <name>BundleDialogs</name>
    <message>
        <source>Export bundle</source>
        <translation>Paket exportieren</translation>
    </message>
    <message>
        <source>Import bundle</source>
        <translation>Paket importieren</translation>
    </message>
    <message>
        <source>Exported {people} people to {file} (bundle #{counter}, valid until {day}).</source>
        <translation>{people} Personen nach {file} exportiert (Paket Nr. {counter}, gültig bis {day}).</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Wird exportiert…</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Wird importiert…</translation>
    </message>
    <message>
        <source>Passphrase for the bundle (four or more unrelated words; you will need it on the iPad or the other kiosk):</source>
        <translation>Passphrase für das Paket (vier oder mehr Wörter ohne Zusammenhang; Sie brauchen sie auf dem iPad oder dem anderen Kiosk):</translation>
    </message>
    <message>
        <source>The same passphrase again:</source>
        <translation>Dieselbe Passphrase noch einmal:</translation>
    </message>
    <message>
        <source>the two passphrases differ.</source>
        <translation>die beiden Passphrasen sind verschieden.</translation>
    </message>
    <message>
        <source>Imported bundle #{counter}: {added} people added, {updated} updated, {templates} templates; {forgotten} forgotten as the bundle asks, {refused} forgotten here before and not added back.</source>
        <translation>Paket Nr. {counter} importiert: {added} Personen hinzugefügt, {updated} aktualisiert, {templates} Vorlagen; {forgotten} wie im Paket verlangt vergessen, {refused} hier früher vergessen und nicht wieder hinzugefügt.</translation>
    </message>
    <message>
        <source>The bundle&apos;s passphrase:</source>
        <translation>Passphrase des Pakets:</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>Nicht erledigt: {reason}</translation>
    </message>
</context>
<context>
    <name>CapturePage</name>
    <message>
        <source>Look straight at the camera</source>
        <translation>Schauen Sie direkt in die Kamera</translation>
    </message>
    <message>
        <source>Add these captures to that person</source>
        <translation>Diese Aufnahmen dieser Person hinzufügen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>2 · Capture</source>
        <translation>2 · Aufnahme</translation>
    </message>
    <message>
        <source>Turn your head a little to one side</source>
        <translation>Drehen Sie den Kopf ein wenig zur Seite</translation>
    </message>
    <message>
        <source>Now a little to the other side</source>
        <translation>Jetzt ein wenig zur anderen Seite</translation>
    </message>
    <message>
        <source>Got it.</source>
        <translation>Aufgenommen.</translation>
    </message>
    <message>
        <source>Look at the camera.</source>
        <translation>Schauen Sie in die Kamera.</translation>
    </message>
    <message>
        <source>Only one person, please.</source>
        <translation>Bitte nur eine Person.</translation>
    </message>
    <message>
        <source>Move closer.</source>
        <translation>Kommen Sie näher.</translation>
    </message>
    <message>
        <source>Hold still.</source>
        <translation>Halten Sie still.</translation>
    </message>
    <message>
        <source>Move your head a little.</source>
        <translation>Bewegen Sie den Kopf ein wenig.</translation>
    </message>
    <message>
        <source>Checking it&apos;s a live person: blink, or turn your head.</source>
        <translation>Prüfung auf eine lebende Person: blinzeln Sie oder drehen Sie den Kopf.</translation>
    </message>
    <message>
        <source>Only the person enrolling, please.</source>
        <translation>Bitte nur die Person, die sich registriert.</translation>
    </message>
    <message>
        <source>Keep going.</source>
        <translation>Weiter so.</translation>
    </message>
    <message>
        <source>Capture paused: this face is already enrolled.</source>
        <translation>Aufnahme angehalten: dieses Gesicht ist bereits registriert.</translation>
    </message>
    <message>
        <source>All done, thank you.</source>
        <translation>Fertig, vielen Dank.</translation>
    </message>
    <message>
        <source>That frame could not be analysed; carry on.</source>
        <translation>Dieses Bild konnte nicht ausgewertet werden; einfach weitermachen.</translation>
    </message>
    <message>
        <source>Live person confirmed.</source>
        <translation>Lebende Person bestätigt.</translation>
    </message>
    <message>
        <source>Checking it&apos;s a live person…</source>
        <translation>Prüfung auf eine lebende Person …</translation>
    </message>
    <message>
        <source>This face is already enrolled as {name} (person {id}). Add these captures to that person, or cancel.</source>
        <translation>Dieses Gesicht ist bereits als {name} registriert (Person {id}). Fügen Sie diese Aufnahmen dieser Person hinzu oder brechen Sie ab.</translation>
    </message>
</context>
<context>
    <name>CardWidget</name>
    <message>
        <source>I&apos;m interested</source>
        <translation>Interessiert mich</translation>
    </message>
    <message>
        <source>Thanks! We told staff</source>
        <translation>Danke! Das Personal weiß Bescheid</translation>
    </message>
</context>
<context>
    <name>CatalogTab</name>
    <message>
        <source>Search products, hidden ones too (name, tag, category)</source>
        <translation>Produkte suchen, auch ausgeblendete (Name, Schlagwort, Kategorie)</translation>
    </message>
    <message>
        <source>Import catalog file…</source>
        <translation>Katalogdatei importieren…</translation>
    </message>
    <message>
        <source>Show hidden products again</source>
        <translation>Ausgeblendete wieder zeigen</translation>
    </message>
    <message>
        <source>When ticked, an import shows again the products staff hid, if the file lists them as shown. When not ticked, hidden products stay hidden.</source>
        <translation>Wenn angehakt, zeigt ein Import vom Personal ausgeblendete Produkte wieder, sofern die Datei sie als sichtbar führt. Ohne Haken bleiben sie ausgeblendet.</translation>
    </message>
    <message>
        <source>shown</source>
        <translation>sichtbar</translation>
    </message>
    <message>
        <source>sku</source>
        <translation>Artikelnr.</translation>
    </message>
    <message>
        <source>name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>tags</source>
        <translation>Schlagworte</translation>
    </message>
    <message>
        <source>The catalog is empty: import a CSV or JSON file (see catalog/README.md).</source>
        <translation>Der Katalog ist leer: Importieren Sie eine CSV- oder JSON-Datei (siehe catalog/README.md).</translation>
    </message>
    <message>
        <source>{count} products, {hidden} hidden from suggestions.</source>
        <translation>{count} Produkte, {hidden} von Vorschlägen ausgeblendet.</translation>
    </message>
    <message>
        <source>{sku} is now shown.</source>
        <translation>{sku} wird jetzt gezeigt.</translation>
    </message>
    <message>
        <source>{sku} is now hidden.</source>
        <translation>{sku} ist jetzt ausgeblendet.</translation>
    </message>
    <message>
        <source>Import catalog</source>
        <translation>Katalog importieren</translation>
    </message>
    <message>
        <source>Catalog (*.csv *.json)</source>
        <translation>Katalog (*.csv *.json)</translation>
    </message>
    <message>
        <source>Not imported: {reason}</source>
        <translation>Nicht importiert: {reason}</translation>
    </message>
    <message>
        <source>Imported {file}: {added} new, {updated} updated.</source>
        <translation>{file} importiert: {added} neu, {updated} aktualisiert.</translation>
    </message>
    <message>
        <source>{count} products you hid stay hidden (tick “Show hidden products again” to show them).</source>
        <translation>{count} von Ihnen ausgeblendete Produkte bleiben ausgeblendet (zum Zeigen „Ausgeblendete wieder zeigen“ anhaken).</translation>
    </message>
    <message>
        <source>Nothing was imported from {file}: {count} problems. Fix them and try again:</source>
        <translation>Aus {file} wurde nichts importiert: {count} Probleme. Bitte beheben und erneut versuchen:</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>… und {count} weitere</translation>
    </message>
    <message>
        <source>• line {line}, {column}: {problem}</source>
        <translation>• Zeile {line}, {column}: {problem}</translation>
    </message>
</context>
<context>
    <name>EmptyCatalog</name>
    <message>
        <source>Our products will be here soon</source>
        <translation>Unsere Produkte erscheinen hier bald</translation>
    </message>
    <message>
        <source>For staff: the catalog is empty. Open staff mode, then Catalog, Import catalog file… (or run: kiosk catalog import FILE.csv)</source>
        <translation>Für das Personal: Der Katalog ist leer. Personalmodus öffnen, dann Katalog, Katalogdatei importieren… (oder: kiosk catalog import DATEI.csv)</translation>
    </message>
</context>
<context>
    <name>EnrolTab</name>
    <message>
        <source>Shopper&apos;s name as they want to be greeted</source>
        <translation>Name der Kundin oder des Kunden, wie sie begrüßt werden möchten</translation>
    </message>
    <message>
        <source>The shopper read this and agrees</source>
        <translation>Die Kundin oder der Kunde hat dies gelesen und stimmt zu</translation>
    </message>
    <message>
        <source>Also keep (encrypted) photos of the captures</source>
        <translation>Auch (verschlüsselte) Fotos der Aufnahmen behalten</translation>
    </message>
    <message>
        <source>Start capture</source>
        <translation>Aufnahme starten</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>1 · Consent</source>
        <translation>1 · Einwilligung</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Take more</source>
        <translation>Weitere aufnehmen</translation>
    </message>
    <message>
        <source>Cancel: save nothing</source>
        <translation>Abbrechen: nichts speichern</translation>
    </message>
    <message>
        <source>3 · Review</source>
        <translation>3 · Prüfen</translation>
    </message>
    <message>
        <source>Enrol someone else</source>
        <translation>Weitere Person registrieren</translation>
    </message>
    <message>
        <source>4 · Saved</source>
        <translation>4 · Gespeichert</translation>
    </message>
    <message>
        <source>I agree that this kiosk stores a numeric template of my face (encrypted, never a photo unless I ask) to recognise me and suggest products for me. I can ask staff to forget me at any time, and everything about me is then deleted.</source>
        <translation>Ich bin einverstanden, dass dieser Kiosk eine numerische Vorlage meines Gesichts speichert (verschlüsselt, nie ein Foto, außer ich wünsche es), um mich zu erkennen und mir Produkte vorzuschlagen. Ich kann das Personal jederzeit bitten, mich zu vergessen; dann wird alles über mich gelöscht.</translation>
    </message>
    <message>
        <source>A name and the shopper&apos;s consent are needed first.</source>
        <translation>Zuerst werden ein Name und die Einwilligung der Kundin oder des Kunden benötigt.</translation>
    </message>
    <message>
        <source>Dropped. Take more to replace it, or save.</source>
        <translation>Entfernt. Nehmen Sie weitere auf, um sie zu ersetzen, oder speichern Sie.</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
    <message>
        <source>{name} is enrolled: {count} captures saved (encrypted).</source>
        <translation>{name} ist registriert: {count} Aufnahmen gespeichert (verschlüsselt).</translation>
    </message>
</context>
<context>
    <name>Expressions</name>
    <message>
        <source>happy</source>
        <translation>fröhlich</translation>
    </message>
    <message>
        <source>angry</source>
        <translation>verärgert</translation>
    </message>
    <message>
        <source>sad</source>
        <translation>traurig</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>neutral</translation>
    </message>
    <message>
        <source>surprised</source>
        <translation>überrascht</translation>
    </message>
    <message>
        <source>confused</source>
        <translation>verwirrt</translation>
    </message>
</context>
<context>
    <name>GalleryTab</name>
    <message>
        <source>Search by name</source>
        <translation>Nach Namen suchen</translation>
    </message>
    <message>
        <source>id</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>captures</source>
        <translation>Aufnahmen</translation>
    </message>
    <message>
        <source>templates</source>
        <translation>Vorlagen</translation>
    </message>
    <message>
        <source>photos kept</source>
        <translation>Fotos behalten</translation>
    </message>
    <message>
        <source>enrolled</source>
        <translation>registriert am</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>geändert</translation>
    </message>
    <message>
        <source>Captures: the faces a person gave (at enrolment or in imported photos). Templates: what recognition compares, the captures plus a mirrored copy of each (when switched on) and one average per person.</source>
        <translation>Aufnahmen: die Gesichter, die eine Person gegeben hat (bei der Registrierung oder in importierten Fotos). Vorlagen: was die Erkennung vergleicht – die Aufnahmen, dazu je eine gespiegelte Kopie (wenn eingeschaltet) und ein Mittelwert pro Person.</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Re-enrol</source>
        <translation>Neu aufnehmen</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>Vergessen</translation>
    </message>
    <message>
        <source>Export bundle</source>
        <translation>Paket exportieren</translation>
    </message>
    <message>
        <source>Import bundle</source>
        <translation>Paket importieren</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Select a person first.</source>
        <translation>Bitte zuerst eine Person auswählen.</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Neuer Name:</translation>
    </message>
    <message>
        <source>Renamed.</source>
        <translation>Umbenannt.</translation>
    </message>
    <message>
        <source>Forget this person?</source>
        <translation>Diese Person vergessen?</translation>
    </message>
    <message>
        <source>Delete {name} and everything about them (templates, photos, visits, history)? This cannot be undone.</source>
        <translation>{name} und alles über diese Person löschen (Vorlagen, Fotos, Besuche, Verlauf)? Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Forgotten: all deleted.</source>
        <translation>Vergessen: alles gelöscht.</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>Nicht erledigt: {reason}</translation>
    </message>
</context>
<context>
    <name>Greetings</name>
    <message>
        <source>Welcome back, {name}!</source>
        <translation>Willkommen zurück, {name}!</translation>
    </message>
    <message>
        <source>Welcome!</source>
        <translation>Willkommen!</translation>
    </message>
    <message>
        <source>Step closer for picks made for you</source>
        <translation>Treten Sie näher – wir haben etwas für Sie</translation>
    </message>
</context>
<context>
    <name>HelpBanner</name>
    <message>
        <source>A member of staff is on the way.</source>
        <translation>Jemand vom Personal ist unterwegs zu Ihnen.</translation>
    </message>
    <message>
        <source>Need help? Tap to call staff</source>
        <translation>Brauchen Sie Hilfe? Tippen Sie, um Personal zu rufen</translation>
    </message>
    <message>
        <source>Call staff</source>
        <translation>Personal rufen</translation>
    </message>
    <message>
        <source>No, thanks</source>
        <translation>Nein, danke</translation>
    </message>
</context>
<context>
    <name>KioskApp</name>
    <message>
        <source>Staff mode is locked</source>
        <translation>Personalmodus ist gesperrt</translation>
    </message>
    <message>
        <source>Staff mode is locked: no staff PIN has been set on this kiosk. On this PC, open a terminal and run `kiosk staff set-pin --staff YOUR-NAME`, then try again.</source>
        <translation>Der Personalmodus ist gesperrt: Auf diesem Kiosk wurde noch keine Personal-PIN festgelegt. Öffnen Sie auf diesem PC ein Terminal, führen Sie `kiosk staff set-pin --staff IHR-NAME` aus und versuchen Sie es dann erneut.</translation>
    </message>
</context>
<context>
    <name>KioskController</name>
    <message>
        <source>Retrying in {seconds} s…</source>
        <translation>Neuer Versuch in {seconds} s…</translation>
    </message>
    <message>
        <source>The camera is not available ({detail}).</source>
        <translation>Die Kamera ist nicht verfügbar ({detail}).</translation>
    </message>
    <message>
        <source>No camera: suggestions are for everyone until it is back.</source>
        <translation>Keine Kamera: Vorschläge gelten allen, bis sie wieder da ist.</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>Kamera wird gestartet…</translation>
    </message>
    <message>
        <source>The picture is black: is the camera covered?</source>
        <translation>Das Bild ist schwarz: Ist die Kamera abgedeckt?</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>&lt;h3&gt;How this kiosk uses your face&lt;/h3&gt;&lt;p&gt;&lt;b&gt;What it does.&lt;/b&gt; The camera picture is analysed on this device only, to show products you may like. It estimates your expression (happy, neutral, ...) and whether you wear a mask. Nothing leaves the device.&lt;/p&gt;&lt;p&gt;&lt;b&gt;If you are not enrolled&lt;/b&gt;, the kiosk does not know who you are and stores no picture or face data of you. It records only that someone was here and for how long, and deletes even that after {days} days.&lt;/p&gt;&lt;p&gt;&lt;b&gt;If you enrolled&lt;/b&gt; (only with your consent, with a member of staff), the kiosk keeps an encrypted numeric template of your face, never a photo unless you asked, to greet you and remember what you liked. Your name and picks appear only after the kiosk has checked that it sees a live person, not a photo.&lt;/p&gt;&lt;p&gt;&lt;b&gt;To opt out&lt;/b&gt;: step out of the camera&apos;s view, or press &lt;i&gt;Pause&lt;/i&gt;: no face is analysed or recorded until then. &lt;b&gt;To be forgotten&lt;/b&gt;: ask staff; everything about you is deleted at once, and cannot be recovered.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Wie dieser Kiosk Ihr Gesicht nutzt&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Was er tut.&lt;/b&gt; Das Kamerabild wird nur auf diesem Gerät analysiert, um Ihnen Produkte zu zeigen, die Ihnen gefallen könnten. Er schätzt Ihren Gesichtsausdruck (fröhlich, neutral, …) und ob Sie eine Maske tragen. Nichts verlässt das Gerät.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Wenn Sie nicht registriert sind&lt;/b&gt;, weiß der Kiosk nicht, wer Sie sind, und speichert weder ein Bild noch Gesichtsdaten von Ihnen. Er vermerkt nur, dass jemand hier war und wie lange, und löscht auch das nach {days} Tagen.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Wenn Sie sich registriert haben&lt;/b&gt; (nur mit Ihrer Einwilligung, beim Personal), speichert der Kiosk eine verschlüsselte Zahlenvorlage Ihres Gesichts, nie ein Foto, außer Sie haben es gewünscht, um Sie zu begrüßen und sich zu merken, was Ihnen gefallen hat. Ihr Name und Ihre Vorschläge erscheinen erst, wenn der Kiosk geprüft hat, dass er eine lebende Person sieht und kein Foto.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Zum Widersprechen&lt;/b&gt;: Treten Sie aus dem Kamerabild oder tippen Sie auf &lt;i&gt;Pause&lt;/i&gt;: Bis dahin wird kein Gesicht analysiert oder gespeichert. &lt;b&gt;Um vergessen zu werden&lt;/b&gt;: Fragen Sie das Personal; alles über Sie wird sofort gelöscht und lässt sich nicht wiederherstellen.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>This kiosk analyses faces (on this device only) to suggest products. Nothing about you is stored unless you enrol with staff. To opt out, press Pause or step away; enrolled shoppers can ask staff to forget them at any time.</source>
        <translation>Dieser Kiosk analysiert Gesichter (nur auf diesem Gerät), um Produkte vorzuschlagen. Über Sie wird nichts gespeichert, außer Sie registrieren sich beim Personal. Zum Widersprechen tippen Sie auf Pause oder treten zur Seite; Registrierte können sich jederzeit vom Personal löschen lassen.</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Privacy &amp;&amp; opt-out</source>
        <translation>Datenschutz &amp;&amp; Widerspruch</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>Datenschutz</translation>
    </message>
    <message>
        <source>Pause for 2 minutes</source>
        <translation>2 Minuten pausieren</translation>
    </message>
</context>
<context>
    <name>PausePage</name>
    <message>
        <source>Face analysis is paused</source>
        <translation>Gesichtsanalyse ist pausiert</translation>
    </message>
    <message>
        <source>Nothing about anyone in front of the kiosk is analysed, shown or recorded. It starts again by itself when the time is up.</source>
        <translation>Über niemanden vor dem Kiosk wird etwas analysiert, angezeigt oder gespeichert. Nach Ablauf der Zeit geht es von selbst weiter.</translation>
    </message>
    <message>
        <source>Resume now</source>
        <translation>Jetzt fortsetzen</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>Staff sign-in</source>
        <translation>Anmeldung für das Personal</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Enter your name: staff actions are recorded.</source>
        <translation>Geben Sie Ihren Namen ein: Aktionen des Personals werden protokolliert.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft …</translation>
    </message>
    <message>
        <source>Wrong PIN. {left} attempt(s) before a lock-out.</source>
        <translation>Falsche PIN. Noch {left} Versuch(e) bis zur Sperre.</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Try again in {seconds} s.</source>
        <translation>Zu viele falsche PINs. Versuchen Sie es in {seconds} s erneut.</translation>
    </message>
</context>
<context>
    <name>ProductDetail</name>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>I&apos;m interested</source>
        <translation>Interessiert mich</translation>
    </message>
    <message>
        <source>Thanks! We told staff</source>
        <translation>Danke! Das Personal weiß Bescheid</translation>
    </message>
    <message>
        <source>Find it: {place}</source>
        <translation>Zu finden: {place}</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>Because you were interested in {product}</source>
        <translation>Weil Sie sich für {product} interessiert haben</translation>
    </message>
    <message>
        <source>You were interested in this before</source>
        <translation>Hat Sie schon einmal interessiert</translation>
    </message>
    <message>
        <source>Because you like {category}</source>
        <translation>Weil Sie {category} mögen</translation>
    </message>
    <message>
        <source>You liked {category} before</source>
        <translation>{category} hat Ihnen schon gefallen</translation>
    </message>
    <message>
        <source>On offer</source>
        <translation>Im Angebot</translation>
    </message>
    <message>
        <source>New this week</source>
        <translation>Neu diese Woche</translation>
    </message>
    <message>
        <source>Popular in this store today</source>
        <translation>Heute beliebt in diesem Geschäft</translation>
    </message>
    <message>
        <source>From our {category} range</source>
        <translation>Aus unserem Sortiment: {category}</translation>
    </message>
</context>
<context>
    <name>ReviewGrid</name>
    <message>
        <source>{pose} · {size} px
sharpness {sharp} · turn {yaw}°</source>
        <translation>{pose} · {size} px
Schärfe {sharp} · Drehung {yaw}°</translation>
    </message>
    <message>
        <source>Tap to drop this capture and take another</source>
        <translation>Tippen, um diese Aufnahme zu entfernen und eine neue zu machen</translation>
    </message>
    <message>
        <source>{count} captures, median sharpness {sharp}. Look through them: tap any with closed eyes or a bad angle to drop it and take another.</source>
        <translation>{count} Aufnahmen, mittlere Schärfe {sharp}. Sehen Sie sie durch: Tippen Sie auf jede mit geschlossenen Augen oder ungünstigem Winkel, um sie zu entfernen und neu aufzunehmen.</translation>
    </message>
    <message>
        <source>facing</source>
        <translation>frontal</translation>
    </message>
    <message>
        <source>turned</source>
        <translation>gedreht</translation>
    </message>
    <message>
        <source>turned the other way</source>
        <translation>andersherum gedreht</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <source>Names of recognised shoppers (after the live check)</source>
        <translation>Namen erkannter Kundschaft (nach der Lebend-Prüfung)</translation>
    </message>
    <message>
        <source>Expression badge (happy, sad, …): off by default</source>
        <translation>Ausdrucks-Anzeige (fröhlich, traurig, …): standardmäßig aus</translation>
    </message>
    <message>
        <source>Mask badge</source>
        <translation>Masken-Anzeige</translation>
    </message>
    <message>
        <source>Small mirror above the picks</source>
        <translation>Kleiner Spiegel über den Vorschlägen</translation>
    </message>
    <message>
        <source>Large picture beside the picks</source>
        <translation>Großes Bild neben den Vorschlägen</translation>
    </message>
    <message>
        <source>Beep when a shopper calls staff or is interested</source>
        <translation>Ton, wenn jemand Personal ruft oder Interesse zeigt</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>tested default (0.600)</source>
        <translation>getesteter Standard (0,600)</translation>
    </message>
    <message>
        <source>Learns from shoppers&apos; taps (recommended)</source>
        <translation>Lernt aus dem Antippen (empfohlen)</translation>
    </message>
    <message>
        <source>Fixed rules</source>
        <translation>Feste Regeln</translation>
    </message>
    <message>
        <source>Most popular products</source>
        <translation>Beliebteste Produkte</translation>
    </message>
    <message>
        <source>Random (for testing only)</source>
        <translation>Zufällig (nur zum Testen)</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Einstellungen speichern</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>How alike faces must be to recognise someone</source>
        <translation>Wie ähnlich Gesichter sein müssen, um jemanden zu erkennen</translation>
    </message>
    <message>
        <source>Shown on faces</source>
        <translation>Auf Gesichtern angezeigt</translation>
    </message>
    <message>
        <source>Camera picture</source>
        <translation>Kamerabild</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Currency of the catalog&apos;s prices</source>
        <translation>Währung der Katalogpreise</translation>
    </message>
    <message>
        <source>Staff alerts</source>
        <translation>Meldungen ans Personal</translation>
    </message>
    <message>
        <source>Keep unknown visitors&apos; visit times for</source>
        <translation>Besuchszeiten unbekannter Besucher behalten für</translation>
    </message>
    <message>
        <source>How products are picked</source>
        <translation>Wie Produkte ausgewählt werden</translation>
    </message>
    <message>
        <source>0 is the first webcam, 1 the second; a device such as /dev/video2 or a video file also works. Check it with: kiosk doctor</source>
        <translation>0 ist die erste Webcam, 1 die zweite; ein Gerät wie /dev/video2 oder eine Videodatei geht auch. Prüfen mit: kiosk doctor</translation>
    </message>
    <message>
        <source>The largest difference (distance) between a face and an enrolled face that still counts as the same person. Lower is stricter: fewer shoppers greeted with someone else&apos;s name, but enrolled shoppers are recognised less often. 0 uses the value tested with the model (0.600).</source>
        <translation>Der größte Unterschied (Abstand) zwischen einem Gesicht und einem registrierten Gesicht, der noch als dieselbe Person gilt. Kleiner ist strenger: seltener wird jemand mit einem fremden Namen begrüßt, aber registrierte Personen werden auch seltener erkannt. 0 nimmt den mit dem Modell getesteten Wert (0,600).</translation>
    </message>
    <message>
        <source>Everyone in the queue can read these badges: a public “sad” is unkind, so the expression badge is off unless you switch it on.</source>
        <translation>Alle in der Schlange können diese Anzeigen lesen: Ein öffentliches „traurig“ ist unfreundlich, darum ist die Ausdrucks-Anzeige aus, bis Sie sie einschalten.</translation>
    </message>
    <message>
        <source>A three-letter code: EUR, USD, GBP, CNY, CHF, …</source>
        <translation>Ein Code aus drei Buchstaben: EUR, USD, GBP, CNY, CHF, …</translation>
    </message>
    <message>
        <source>Only the times of visits by people who are not enrolled, deleted after this.</source>
        <translation>Nur die Besuchszeiten nicht registrierter Personen; danach gelöscht.</translation>
    </message>
    <message>
        <source>“Learns from taps” tries products and shows more of what shoppers tap “I&apos;m interested” on (a method called a contextual bandit). “Fixed rules” uses shoppers&apos; stated likes and their mood. Changes apply after a restart.</source>
        <translation>„Lernt aus dem Antippen“ probiert Produkte aus und zeigt mehr von dem, wofür „Interessiert mich“ getippt wird (ein Verfahren namens kontextueller Bandit). „Feste Regeln“ nutzt angegebene Vorlieben und die Stimmung. Änderungen gelten nach einem Neustart.</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
    <message>
        <source>Saved to {path}. What faces show, the camera picture, language, currency and alerts apply now; the camera, recognition, retention and how products are picked apply when the kiosk restarts.</source>
        <translation>In {path} gespeichert. Anzeigen auf Gesichtern, Kamerabild, Sprache, Währung und Meldungen gelten sofort; Kamera, Erkennung, Aufbewahrung und Produktauswahl gelten nach einem Neustart des Kiosks.</translation>
    </message>
</context>
<context>
    <name>StaffView</name>
    <message>
        <source>Exit the kiosk?</source>
        <translation>Kiosk beenden?</translation>
    </message>
    <message>
        <source>The kiosk closes and the screen shows the computer&apos;s desktop until the kiosk is started again. Exit?</source>
        <translation>Der Kiosk schließt sich, und bis zum nächsten Start zeigt der Bildschirm den Desktop des Computers. Beenden?</translation>
    </message>
    <message>
        <source>Back to the shop</source>
        <translation>Zurück zum Geschäft</translation>
    </message>
    <message>
        <source>Exit kiosk</source>
        <translation>Kiosk beenden</translation>
    </message>
    <message>
        <source>Staff mode</source>
        <translation>Personalmodus</translation>
    </message>
    <message>
        <source>Enrol</source>
        <translation>Registrieren</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Personen</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>Katalog</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Meldungen</translation>
    </message>
    <message>
        <source>Analytics</source>
        <translation>Auswertung</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
</context>
<context>
    <name>SuggestionPanel</name>
    <message>
        <source>Picked for you · tap a product for details</source>
        <translation>Für Sie ausgewählt · tippen Sie für Details auf ein Produkt</translation>
    </message>
    <message>
        <source>No products to suggest yet. For staff: import the catalog in staff mode.</source>
        <translation>Noch keine Produkte zum Vorschlagen. Für das Personal: Katalog im Personalmodus importieren.</translation>
    </message>
</context>
<context>
    <name>TextPrompt</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <source>Waiting for the camera…</source>
        <translation>Warte auf die Kamera…</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>Willkommen</translation>
    </message>
    <message>
        <source>mask</source>
        <translation>Maske</translation>
    </message>
</context>
</TS>
