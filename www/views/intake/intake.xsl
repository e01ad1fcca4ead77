<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin clinician front-desk?>
<!--
  intake/intake.xsl - the staff page of one intake (GET /intake/{id}; with
  ?issued= after POST .../link or POST /intake/link, the new link in full,
  once; also the answer to a refused POST .../link, .../clear or
  .../enrol).

  View document (plugins/intake/review.c):
    <intake id= role= terms-version= referrals="yes|no" patient= patient-name=>
      (referrals="yes": the referral plugin is loaded, so an open task
      links to writing the referral out to a partner of the directory)
      <record ...><i:Intake>...</i:Intake></record>
      <task state="open|referred|cleared" opened=><note/></task>?   the newest referral out
      <section name= saved=? version=?><record><i:Section>...</i:Section></record>?</section>*
      <screen saved="yes|no" positive="N" cleared="yes"?>
        <flag code= answer="yes|unsure" question= concern=><source>citation</source>*</flag>*
      </screen>
      <measure id= abbreviation= name=/>*      measured at baseline
      <blocker>why enrolment cannot happen</blocker>*
      <new-link href= local="yes"? sent-to=? days= uses=/>?   once, after
                                the redirect of POST .../link (?issued=)
      <link-form><form id="link" .../></link-form>   email it (optional)
      <form id="f">...</form>?   the form model's values and messages
                                (www/views/form-lib.xsl)
    </intake>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:i="urn:cairn:intake" exclude-result-prefixes="i">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <!-- The form model's <form>: what was typed and the messages. -->
  <xsl:variable name="form" select="/*/form"/>

  <xsl:variable name="in" select="/intake/record/i:Intake"/>

  <xsl:template match="intake" mode="title">
    <xsl:text>Intake: </xsl:text><xsl:value-of select="@patient-name"/>
  </xsl:template>

  <xsl:template name="section-title">
    <xsl:param name="name"/>
    <xsl:choose>
      <xsl:when test="$name = 'demographics'">About you</xsl:when>
      <xsl:when test="$name = 'pain'">Your pain</xsl:when>
      <xsl:when test="$name = 'medicines'">Medicines, allergies, pregnancy</xsl:when>
      <xsl:when test="$name = 'redflags'">Safety questions (red flags)</xsl:when>
      <xsl:when test="$name = 'goals'">Your goals</xsl:when>
      <xsl:when test="$name = 'baseline'">Where you are now (baseline measures)</xsl:when>
      <xsl:when test="$name = 'consent'">The program's terms</xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="intake" mode="content">
    <p class="muted small"><a href="/intake">Intake</a> /</p>
    <div class="page-head">
      <div>
        <h1>Intake: <xsl:value-of select="@patient-name"/></h1>
        <p class="muted">
          <xsl:text>Opened </xsl:text><xsl:value-of select="$in/i:opened"/>
          <xsl:text> · state </xsl:text><strong><xsl:value-of select="$in/i:state"/></strong>
          <xsl:if test="$in/i:submitted"><xsl:text> · submitted </xsl:text><xsl:value-of select="$in/i:submitted"/></xsl:if>
          <xsl:if test="$in/i:episode">
            <xsl:text> · </xsl:text><a href="/patients/{@patient}">enrolled: open the chart</a>
          </xsl:if>
        </p>
      </div>
    </div>
    <xsl:call-template name="form-error-summary"><xsl:with-param name="form" select="$form"/></xsl:call-template>

    <xsl:if test="new-link">
      <div class="panel notice" role="status">
        <h2>The patient's link</h2>
        <xsl:if test="new-link/@sent-to">
          <p>It was emailed to <strong><xsl:value-of select="new-link/@sent-to"/></strong>
            <xsl:text> (the message goes out within a minute</xsl:text>
            <xsl:if test="@role = 'admin'">; <a href="/admin/outbox">the outbox</a> shows it</xsl:if>
            <xsl:text>).</xsl:text></p>
        </xsl:if>
        <p>It is shown here once and cannot be shown again; issuing a new one withdraws it.
          It lasts <xsl:value-of select="new-link/@days"/> days
          and opens at most <xsl:value-of select="new-link/@uses"/> times.
          Opening it here would spend one of its uses.</p>
        <p class="copy-full"><code><xsl:value-of select="new-link/@href"/></code></p>
        <p><label for="patient-url">The patient's link, to select and copy</label></p>
        <p><input id="patient-url" class="copy-source" type="text" readonly="readonly" value="{new-link/@href}"/></p>
        <p class="copy-slot"></p>
        <xsl:if test="new-link/@local = 'yes'">
          <p class="muted small">The clinic has no public address in its configuration
            (<code>&lt;public-url&gt;</code>): give this path after the address the patient reaches the clinic at.</p>
        </xsl:if>
      </div>
    </xsl:if>

    <!-- The red-flag screen first: it decides whether anything else matters. -->
    <section aria-labelledby="h-screen">
      <xsl:attribute name="class">
        <xsl:text>panel</xsl:text>
        <xsl:if test="screen/@positive != '0' and not(screen/@cleared)"> alert</xsl:if>
      </xsl:attribute>
      <h2 id="h-screen">Red-flag screen</h2>
      <xsl:choose>
        <xsl:when test="screen/@saved = 'no'"><p class="muted">Not answered yet.</p></xsl:when>
        <xsl:when test="screen/@positive = '0'"><p>No red flags.</p></xsl:when>
        <xsl:otherwise>
          <p>
            <strong>
              <xsl:value-of select="screen/@positive"/>
              <xsl:text> positive answer</xsl:text><xsl:if test="screen/@positive != '1'">s</xsl:if>
            </strong>
            <xsl:choose>
              <xsl:when test="screen/@cleared = 'yes'">
                <xsl:text>, cleared by </xsl:text><xsl:value-of select="$in/i:clearedBy"/>
                <xsl:text> on </xsl:text><xsl:value-of select="$in/i:clearedOn"/>
                <xsl:text>: </xsl:text><span class="prose"><xsl:value-of select="$in/i:clearedReason"/></span>
              </xsl:when>
              <xsl:otherwise>: enrolment is blocked until a clinician clears it.</xsl:otherwise>
            </xsl:choose>
          </p>
          <ul class="flags">
            <xsl:for-each select="screen/flag">
              <li>
                <strong><xsl:value-of select="@concern"/></strong>
                <xsl:text> Answer: </xsl:text>
                <xsl:choose><xsl:when test="@answer = 'unsure'">not sure</xsl:when><xsl:otherwise>yes</xsl:otherwise></xsl:choose>
                <xsl:text>, to: “</xsl:text><xsl:value-of select="@question"/><xsl:text>”</xsl:text>
                <details><summary>Sources</summary>
                  <ul class="small"><xsl:for-each select="source"><li class="cite"><xsl:value-of select="."/></li></xsl:for-each></ul>
                </details>
              </li>
            </xsl:for-each>
          </ul>
          <xsl:if test="task[@state = 'referred']">
            <p><strong>Referral out made: </strong><xsl:value-of select="task/note"/></p>
          </xsl:if>
          <xsl:if test="task[@state = 'open'] and @role = 'clinician' and @referrals = 'yes' and @patient">
            <p class="actions"><a class="button" id="referral-out" href="/patients/{@patient}/referrals/new?kind=out">Write the referral out</a>
              <xsl:text> to a partner of the directory, urgent, with this screen as its reason; or record below a referral made another way.</xsl:text></p>
          </xsl:if>
          <xsl:if test="task[@state = 'open'] and @role = 'clinician'">
            <form method="post" action="/intake/{@id}/referral" novalidate="novalidate">
              <xsl:call-template name="csrf-field"/>
              <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
                <xsl:with-param name="name" select="'referredTo'"/>
                <xsl:with-param name="label" select="'Record the referral out'"/>
                <xsl:with-param name="hint" select="'To whom, and how urgently (for example: emergency department today; GP within a week).'"/>
              </xsl:call-template>
              <p class="actions"><button type="submit">Record the referral</button></p>
            </form>
          </xsl:if>
          <xsl:if test="task[@state = 'open'] and @role != 'clinician'">
            <p>A clinician records the referral out or clears the screen.</p>
          </xsl:if>
          <xsl:if test="not(screen/@cleared) and @role = 'clinician'">
            <form method="post" action="/intake/{@id}/clear" novalidate="novalidate">
              <xsl:call-template name="csrf-field"/>
              <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
                <xsl:with-param name="name" select="'reason'"/>
                <xsl:with-param name="label" select="'Clear the red flags: why it is safe to go on'"/>
                <xsl:with-param name="hint" select="'What was checked, by whom, and the result. Stored with your name.'"/>
                <xsl:with-param name="rows" select="3"/>
              </xsl:call-template>
              <p class="actions"><button type="submit" class="secondary">Clear with this reason</button></p>
            </form>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </section>

    <section class="panel" aria-labelledby="h-sections">
      <h2 id="h-sections">Questionnaire</h2>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Section</th><th scope="col">Saved</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
          <tbody>
            <xsl:for-each select="section">
              <tr>
                <th scope="row"><xsl:call-template name="section-title"><xsl:with-param name="name" select="@name"/></xsl:call-template></th>
                <td>
                  <xsl:choose>
                    <xsl:when test="@saved"><xsl:value-of select="@saved"/> (version <xsl:value-of select="@version"/>)</xsl:when>
                    <xsl:otherwise><span class="muted">not yet</span></xsl:otherwise>
                  </xsl:choose>
                </td>
                <td>
                  <xsl:if test="$in/i:state != 'enrolled'">
                    <a href="/intake/{/intake/@id}/form?section={@name}">
                      <xsl:choose><xsl:when test="@saved">Edit</xsl:when><xsl:otherwise>Fill in</xsl:otherwise></xsl:choose>
                      <span class="visually-hidden"><xsl:text> </xsl:text><xsl:value-of select="@name"/></span>
                    </a>
                  </xsl:if>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
      <xsl:variable name="m" select="section[@name = 'medicines']/record/i:Section/i:medicines"/>
      <xsl:if test="$m">
        <h3>Medicines</h3>
        <xsl:choose>
          <xsl:when test="$m/i:noMedications"><p>None.</p></xsl:when>
          <xsl:otherwise>
            <ul>
              <xsl:for-each select="$m/i:medication">
                <li><xsl:value-of select="i:name"/>: <xsl:value-of select="i:dose"/><xsl:text> </xsl:text><xsl:value-of select="i:unit"/>, <xsl:value-of select="translate(i:frequency, '-', ' ')"/></li>
              </xsl:for-each>
            </ul>
          </xsl:otherwise>
        </xsl:choose>
        <p><strong>Allergies: </strong>
          <xsl:choose>
            <xsl:when test="$m/i:noAllergies">none known</xsl:when>
            <xsl:otherwise>
              <xsl:for-each select="$m/i:allergy">
                <xsl:if test="position() &gt; 1">; </xsl:if>
                <xsl:value-of select="i:substance"/>
                <xsl:if test="i:reaction"> (<xsl:value-of select="i:reaction"/>)</xsl:if>
              </xsl:for-each>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:text> · </xsl:text><strong>Pregnancy: </strong><xsl:value-of select="translate($m/i:pregnancy, '-', ' ')"/>
        </p>
      </xsl:if>
      <xsl:variable name="pn" select="section[@name = 'pain']/record/i:Section/i:pain"/>
      <xsl:if test="$pn">
        <h3>Pain</h3>
        <p>
          <xsl:for-each select="$pn/i:site"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="translate(., '-', ' ')"/></xsl:for-each>
          <xsl:if test="$pn/i:otherSite"><xsl:text>; </xsl:text><xsl:value-of select="$pn/i:otherSite"/></xsl:if>
          <xsl:text> · for </xsl:text><xsl:value-of select="$pn/i:duration"/><xsl:text> </xsl:text><xsl:value-of select="$pn/i:duration/@unit"/>
        </p>
      </xsl:if>
      <xsl:variable name="bl" select="section[@name = 'baseline']/record/i:Section/i:baseline"/>
      <xsl:if test="$bl">
        <h3>Baseline answers</h3>
        <ul>
          <xsl:for-each select="$bl/i:measure">
            <li>
              <strong><xsl:value-of select="translate(@instrument, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/></strong>
              <xsl:text>: </xsl:text>
              <xsl:for-each select="i:answer"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="concat(@item, ' ', .)"/></xsl:for-each>
            </li>
          </xsl:for-each>
        </ul>
        <p class="muted small">Scored by the care program when the episode opens.</p>
      </xsl:if>
      <xsl:variable name="g" select="section[@name = 'goals']/record/i:Section/i:goals"/>
      <xsl:if test="$g">
        <h3>Goals, in the patient's words</h3>
        <ol><xsl:for-each select="$g/i:goal"><li><xsl:value-of select="."/></li></xsl:for-each></ol>
      </xsl:if>
    </section>

    <xsl:if test="$in/i:state = 'open'">
      <section class="panel" aria-labelledby="h-link">
        <h2 id="h-link">Let the patient fill it in</h2>
        <p>
          <xsl:choose>
            <xsl:when test="$in/i:linkId">
              <xsl:text>A link was issued</xsl:text>
              <xsl:if test="$in/i:linkSentTo"><xsl:text> and emailed to </xsl:text><xsl:value-of select="$in/i:linkSentTo"/></xsl:if>
              <xsl:text>; it expires on </xsl:text><xsl:value-of select="$in/i:linkExpires"/><xsl:text>. A new one withdraws it.</xsl:text>
            </xsl:when>
            <xsl:otherwise>No link has been issued.</xsl:otherwise>
          </xsl:choose>
        </p>
        <xsl:apply-templates select="link-form/form" mode="form"/>
      </section>
    </xsl:if>

    <xsl:if test="$in/i:state != 'enrolled'">
      <section class="panel" aria-labelledby="h-enrol">
        <h2 id="h-enrol">Enrolment</h2>
        <xsl:choose>
          <xsl:when test="blocker">
            <p>Enrolment is not possible yet:</p>
            <ul class="blockers"><xsl:for-each select="blocker"><li><xsl:value-of select="."/></li></xsl:for-each></ul>
          </xsl:when>
          <xsl:when test="@role != 'clinician'">
            <p>Ready: a clinician opens the episode of care.</p>
          </xsl:when>
          <xsl:otherwise>
            <form method="post" action="/intake/{@id}/enrol" novalidate="novalidate">
              <xsl:call-template name="csrf-field"/>
              <p>Opens the episode of care in the introductory phase today, with the baseline measures
                as its first observations (consent to terms version <xsl:value-of select="@terms-version"/> is on file).</p>
              <xsl:variable name="list">
                <xsl:for-each select="measure">
                  <xsl:if test="position() &gt; 1">;</xsl:if>
                  <xsl:value-of select="concat(@id, '|', @abbreviation, ' — ', @name)"/>
                </xsl:for-each>
              </xsl:variable>
              <xsl:call-template name="form-select"><xsl:with-param name="form" select="$form"/>
                <xsl:with-param name="name" select="'primary'"/>
                <xsl:with-param name="label" select="'Primary measure (drives the 50% benchmark)'"/>
                <xsl:with-param name="list" select="string($list)"/>
              </xsl:call-template>
              <p class="actions"><button type="submit">Enrol</button></p>
            </form>
          </xsl:otherwise>
        </xsl:choose>
      </section>
    </xsl:if>
    <xsl:if test="new-link"><script src="/static/copy.js"></script></xsl:if>
  </xsl:template>
</xsl:stylesheet>
