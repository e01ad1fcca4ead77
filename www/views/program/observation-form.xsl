<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/observation-form.xsl - record an observation
  (GET /patients/{id}/observations/new, and again with status 422 when a
  POST is refused).

  View document (plugins/program/observation.c, render_form):
    <observation-form action= choose-action= today=>
      <patient id= identifier= name= href= .../>
      <instrument id= abbreviation= name= selected="yes"?/>*
      <episode id= cohort= period-start= selected="yes"?/>*
      <timepoint value=/>*                       suggestions
      <scoring instrument= method= direction= max-missing=/>
      <item id= name="answer.<id>" label= min= max= step="1|any"/>*
      <form id="observation" action= submit=>   the host's form model
        <value name="instrument|effective|timepoint|episode|answer.<id>">
          as typed</value>*
        <error field="effective|answer.pain|...">message</error>*
        <field .../>*                           (laid out here, not by
      </form>                                    ../form-lib.xsl)
    </observation-form>

  Works without JavaScript: a small GET form chooses the instrument (its
  items then appear), the POST form records.  Every input has a label; a
  message sits next to its field and is tied to it with aria-describedby;
  what was typed is shown again as typed (text inputs, not number or date
  inputs, which browsers empty when the text is not a valid value).
  Browser validation is off (novalidate) so that the server's messages are
  the only ones, worded the same for every client.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="../layout.xsl"/>

  <xsl:variable name="form" select="/observation-form"/>
  <!-- What was typed and the messages (cairn_form_doc's <form>). -->
  <xsl:variable name="posted" select="/observation-form/form"/>

  <xsl:template match="observation-form" mode="title">
    <xsl:if test="form/error">Not saved: </xsl:if>
    <xsl:text>Record an observation for </xsl:text>
    <xsl:value-of select="patient/@name"/>
  </xsl:template>

  <!-- The id of the element of field `name` with `prefix`: "f-answer-pain". -->
  <xsl:template name="id">
    <xsl:param name="prefix"/>
    <xsl:param name="name"/>
    <xsl:value-of select="concat($prefix, translate($name, '.', '-'))"/>
  </xsl:template>

  <!-- The message for field `name`, if any. -->
  <xsl:template name="field-error">
    <xsl:param name="name"/>
    <xsl:for-each select="$posted/error[@field = $name][1]">
      <p class="field-error">
        <xsl:attribute name="id">
          <xsl:call-template name="id">
            <xsl:with-param name="prefix" select="'e-'"/>
            <xsl:with-param name="name" select="$name"/>
          </xsl:call-template>
        </xsl:attribute>
        <span class="visually-hidden">Error: </span>
        <xsl:value-of select="."/>
      </p>
    </xsl:for-each>
  </xsl:template>

  <!-- aria-describedby and aria-invalid for the input of field `name`,
       which has a hint unless has-hint is false. -->
  <xsl:template name="described-by">
    <xsl:param name="name"/>
    <xsl:param name="has-hint" select="true()"/>
    <xsl:variable name="tid" select="translate($name, '.', '-')"/>
    <xsl:variable name="has-error" select="boolean($posted/error[@field = $name])"/>
    <xsl:if test="$has-hint or $has-error">
      <xsl:attribute name="aria-describedby">
        <xsl:if test="$has-error">
          <xsl:value-of select="concat('e-', $tid)"/>
        </xsl:if>
        <xsl:if test="$has-hint and $has-error">
          <xsl:text> </xsl:text>
        </xsl:if>
        <xsl:if test="$has-hint">
          <xsl:value-of select="concat('h-', $tid)"/>
        </xsl:if>
      </xsl:attribute>
    </xsl:if>
    <xsl:if test="$has-error">
      <xsl:attribute name="aria-invalid">true</xsl:attribute>
    </xsl:if>
  </xsl:template>

  <xsl:template name="field-class">
    <xsl:param name="name"/>
    <xsl:attribute name="class">
      <xsl:text>field</xsl:text>
      <xsl:if test="$posted/error[@field = $name]"> invalid</xsl:if>
    </xsl:attribute>
  </xsl:template>

  <xsl:template match="observation-form" mode="content">
    <div class="page-head">
      <div>
        <p class="muted small">
          <a href="/patients">Patients</a>
          <xsl:text> / </xsl:text>
          <a href="{patient/@href}"><xsl:value-of select="patient/@name"/></a>
          <xsl:text> /</xsl:text>
        </p>
        <h1>Record an observation</h1>
        <p class="muted">
          <xsl:text>For </xsl:text>
          <xsl:value-of select="patient/@name"/>
          <xsl:text>, identifier </xsl:text>
          <xsl:value-of select="patient/@identifier"/>
        </p>
      </div>
    </div>

    <xsl:if test="form/error">
      <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
        <h2 id="error-summary-title">The observation was not saved</h2>
        <ul>
          <xsl:for-each select="form/error">
            <li>
              <xsl:choose>
                <xsl:when test="@field != ''">
                  <xsl:variable name="field" select="@field"/>
                  <a>
                    <xsl:attribute name="href">
                      <xsl:text>#</xsl:text>
                      <xsl:call-template name="id">
                        <xsl:with-param name="prefix" select="'f-'"/>
                        <xsl:with-param name="name" select="@field"/>
                      </xsl:call-template>
                    </xsl:attribute>
                    <xsl:choose>
                      <xsl:when test="$field = 'instrument'">Instrument</xsl:when>
                      <xsl:when test="$field = 'effective'">Date of the measure</xsl:when>
                      <xsl:when test="$field = 'timepoint'">Timepoint</xsl:when>
                      <xsl:when test="$field = 'episode'">Episode of care</xsl:when>
                      <xsl:when test="$form/item[@name = $field]">
                        <xsl:value-of select="$form/item[@name = $field]/@label"/>
                      </xsl:when>
                      <xsl:otherwise><xsl:value-of select="$field"/></xsl:otherwise>
                    </xsl:choose>
                    <xsl:text>: </xsl:text>
                    <xsl:value-of select="."/>
                  </a>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:value-of select="."/>
                </xsl:otherwise>
              </xsl:choose>
            </li>
          </xsl:for-each>
        </ul>
      </div>
    </xsl:if>

    <!-- Choosing the instrument: a GET that shows its items. -->
    <form class="panel" method="get" action="{@choose-action}">
      <div>
        <xsl:call-template name="field-class">
          <xsl:with-param name="name" select="'instrument'"/>
        </xsl:call-template>
        <label for="f-instrument">Instrument</label>
        <span class="hint" id="h-instrument">Choosing another instrument shows its items; nothing is saved.</span>
        <xsl:call-template name="field-error">
          <xsl:with-param name="name" select="'instrument'"/>
        </xsl:call-template>
        <select id="f-instrument" name="instrument">
          <xsl:call-template name="described-by">
            <xsl:with-param name="name" select="'instrument'"/>
          </xsl:call-template>
          <xsl:for-each select="instrument">
            <option value="{@id}">
              <xsl:if test="@selected = 'yes'">
                <xsl:attribute name="selected">selected</xsl:attribute>
              </xsl:if>
              <xsl:value-of select="@abbreviation"/>
              <xsl:if test="@name != @abbreviation">
                <xsl:text> — </xsl:text>
                <xsl:value-of select="@name"/>
              </xsl:if>
            </option>
          </xsl:for-each>
        </select>
      </div>
      <button type="submit" class="secondary">Show its items</button>
    </form>

    <form method="post" action="{@action}" novalidate="novalidate">
      <xsl:call-template name="csrf-field"/>
      <input type="hidden" name="instrument" value="{scoring/@instrument}"/>

      <fieldset>
        <legend>When</legend>

        <div>
          <xsl:call-template name="field-class">
            <xsl:with-param name="name" select="'effective'"/>
          </xsl:call-template>
          <label for="f-effective">Date of the measure</label>
          <span class="hint" id="h-effective">
            <xsl:text>Written YYYY-MM-DD; today is </xsl:text>
            <xsl:value-of select="@today"/>
            <xsl:text>.</xsl:text>
          </span>
          <xsl:call-template name="field-error">
            <xsl:with-param name="name" select="'effective'"/>
          </xsl:call-template>
          <input type="text" id="f-effective" name="effective" class="short"
                 inputmode="numeric" autocomplete="off" maxlength="10"
                 value="{form/value[@name = 'effective']}">
            <xsl:call-template name="described-by">
              <xsl:with-param name="name" select="'effective'"/>
            </xsl:call-template>
          </input>
        </div>

        <div>
          <xsl:call-template name="field-class">
            <xsl:with-param name="name" select="'timepoint'"/>
          </xsl:call-template>
          <label for="f-timepoint">Timepoint <span class="muted">(optional)</span></label>
          <span class="hint" id="h-timepoint">“baseline” for the measure improvement is counted from; otherwise the clinic’s code, such as month-3.</span>
          <xsl:call-template name="field-error">
            <xsl:with-param name="name" select="'timepoint'"/>
          </xsl:call-template>
          <input type="text" id="f-timepoint" name="timepoint" list="timepoints"
                 autocomplete="off" maxlength="32"
                 value="{form/value[@name = 'timepoint']}">
            <xsl:call-template name="described-by">
              <xsl:with-param name="name" select="'timepoint'"/>
            </xsl:call-template>
          </input>
          <datalist id="timepoints">
            <xsl:for-each select="timepoint">
              <option value="{@value}"></option>
            </xsl:for-each>
          </datalist>
        </div>

        <div>
          <xsl:call-template name="field-class">
            <xsl:with-param name="name" select="'episode'"/>
          </xsl:call-template>
          <label for="f-episode">Episode of care</label>
          <span class="hint" id="h-episode">The observation counts in this episode’s cohort.</span>
          <xsl:call-template name="field-error">
            <xsl:with-param name="name" select="'episode'"/>
          </xsl:call-template>
          <select id="f-episode" name="episode">
            <xsl:call-template name="described-by">
              <xsl:with-param name="name" select="'episode'"/>
            </xsl:call-template>
            <xsl:for-each select="episode">
              <option value="{@id}">
                <xsl:if test="@selected = 'yes'">
                  <xsl:attribute name="selected">selected</xsl:attribute>
                </xsl:if>
                <xsl:value-of select="@cohort"/>
                <xsl:text>, from </xsl:text>
                <xsl:value-of select="@period-start"/>
              </option>
            </xsl:for-each>
            <option value="">
              <xsl:if test="not(episode[@selected = 'yes'])">
                <xsl:attribute name="selected">selected</xsl:attribute>
              </xsl:if>
              <xsl:text>No episode</xsl:text>
            </option>
          </select>
        </div>
      </fieldset>

      <fieldset>
        <legend>
          <xsl:value-of select="instrument[@id = current()/scoring/@instrument]/@abbreviation"/>
          <xsl:text> answers</xsl:text>
        </legend>
        <p class="hint">
          <xsl:choose>
            <xsl:when test="scoring/@max-missing = '0' and count(item) &gt; 1">Answer every item.</xsl:when>
            <xsl:when test="scoring/@max-missing = '0'">An answer is needed.</xsl:when>
            <xsl:otherwise>
              <xsl:text>Up to </xsl:text>
              <xsl:value-of select="scoring/@max-missing"/>
              <xsl:text> item(s) may be left blank.</xsl:text>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:text> The score is computed when the observation is saved; </xsl:text>
          <xsl:call-template name="direction">
            <xsl:with-param name="direction" select="scoring/@direction"/>
          </xsl:call-template>
          <xsl:text>.</xsl:text>
        </p>
        <xsl:for-each select="item">
          <div>
            <xsl:call-template name="field-class">
              <xsl:with-param name="name" select="@name"/>
            </xsl:call-template>
            <label>
              <xsl:attribute name="for">
                <xsl:call-template name="id">
                  <xsl:with-param name="prefix" select="'f-'"/>
                  <xsl:with-param name="name" select="@name"/>
                </xsl:call-template>
              </xsl:attribute>
              <xsl:value-of select="@label"/>
            </label>
            <span class="hint">
              <xsl:attribute name="id">
                <xsl:call-template name="id">
                  <xsl:with-param name="prefix" select="'h-'"/>
                  <xsl:with-param name="name" select="@name"/>
                </xsl:call-template>
              </xsl:attribute>
              <xsl:value-of select="@min"/>
              <xsl:text> to </xsl:text>
              <xsl:value-of select="@max"/>
              <xsl:choose>
                <xsl:when test="@step = '1'">, whole numbers</xsl:when>
                <xsl:when test="@step != 'any'">
                  <xsl:text>, in steps of </xsl:text>
                  <xsl:value-of select="@step"/>
                </xsl:when>
              </xsl:choose>
            </span>
            <xsl:call-template name="field-error">
              <xsl:with-param name="name" select="@name"/>
            </xsl:call-template>
            <input type="text" name="{@name}" class="short" inputmode="decimal"
                   autocomplete="off" maxlength="15" value="{$posted/value[@name = current()/@name]}">
              <xsl:attribute name="id">
                <xsl:call-template name="id">
                  <xsl:with-param name="prefix" select="'f-'"/>
                  <xsl:with-param name="name" select="@name"/>
                </xsl:call-template>
              </xsl:attribute>
              <xsl:call-template name="described-by">
                <xsl:with-param name="name" select="@name"/>
              </xsl:call-template>
            </input>
          </div>
        </xsl:for-each>
      </fieldset>

      <p class="actions">
        <button type="submit">Save observation</button>
        <a href="{patient/@href}">Cancel</a>
      </p>
    </form>
  </xsl:template>

</xsl:stylesheet>
